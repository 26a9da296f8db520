import type { MenuItemConstructorOptions } from 'electron';
import { COMMAND_ACCELERATORS, type MenuCommand, type RecentFile } from '../ipc/contract';

/**
 * The application menu's template: standard roles plus our commands, which are
 * forwarded to the renderer. A packaged build has no Toggle Developer Tools.
 */
export function menuTemplate(
  send: (command: MenuCommand) => void,
  isMac: boolean,
  recent: readonly RecentFile[] = [],
  openRecent: (path: string) => void = () => undefined,
  isPackaged = true,
): MenuItemConstructorOptions[] {
  // Accelerators come from the one command table (ipc/contract), which browser-mode keys read too.
  const item = (label: string, command: MenuCommand): MenuItemConstructorOptions => ({
    label,
    accelerator: COMMAND_ACCELERATORS[command],
    click: () => send(command),
  });
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' } as MenuItemConstructorOptions] : []),
    {
      label: '&File',
      submenu: [
        item('New', 'new'),
        item('Open…', 'open'),
        {
          label: 'Open Recent',
          enabled: recent.length > 0,
          submenu: recent.length
            ? recent.map((file) => ({ label: file.path, click: () => openRecent(file.path) }))
            : [{ label: 'No recent workspaces', enabled: false }],
        },
        { type: 'separator' },
        item('Save', 'save'),
        item('Save As…', 'save-as'),
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    {
      label: '&Edit',
      submenu: [
        item('Undo', 'undo'),
        item('Redo', 'redo'),
        { type: 'separator' },
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        { role: 'selectAll' },
      ],
    },
    {
      label: '&View',
      submenu: [
        { role: 'reload' },
        ...(isPackaged ? [] : [{ role: 'toggleDevTools' } as MenuItemConstructorOptions]),
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
        { type: 'separator' },
        {
          label: 'Compute Backend',
          submenu: [
            item('Automatic', 'backend-auto'),
            item('CPU', 'backend-cpu'),
            item('WebGPU', 'backend-webgpu'),
          ],
        },
        { label: 'Language', submenu: [item('English', 'locale-en'), item('简体中文', 'locale-zh')] },
        { type: 'separator' },
        item('Loss Chart Window', 'chart-window'),
      ],
    },
    { role: 'windowMenu' },
    { role: 'help', submenu: [item('About Kernel Studio', 'about')] },
  ];
  return template;
}
