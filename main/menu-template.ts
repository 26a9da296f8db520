import type { MenuItemConstructorOptions } from 'electron';
import type { MenuCommand, RecentFile } from '../ipc/contract';

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
  const item = (label: string, command: MenuCommand, accelerator?: string): MenuItemConstructorOptions => ({
    label,
    accelerator,
    click: () => send(command),
  });
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' } as MenuItemConstructorOptions] : []),
    {
      label: '&File',
      submenu: [
        item('New', 'new', 'CmdOrCtrl+N'),
        item('Open…', 'open', 'CmdOrCtrl+O'),
        {
          label: 'Open Recent',
          enabled: recent.length > 0,
          submenu: recent.length
            ? recent.map((file) => ({ label: file.path, click: () => openRecent(file.path) }))
            : [{ label: 'No recent workspaces', enabled: false }],
        },
        { type: 'separator' },
        item('Save', 'save', 'CmdOrCtrl+S'),
        item('Save As…', 'save-as', 'CmdOrCtrl+Shift+S'),
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    {
      label: '&Edit',
      submenu: [
        item('Undo', 'undo', 'CmdOrCtrl+Z'),
        item('Redo', 'redo', 'CmdOrCtrl+Shift+Z'),
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
        item('Loss Chart Window', 'chart-window', 'CmdOrCtrl+Shift+L'),
      ],
    },
    { role: 'windowMenu' },
    { role: 'help', submenu: [item('About Kernel Studio', 'about')] },
  ];
  return template;
}
