import { Menu } from 'electron';
import type { MenuCommand, RecentFile } from '../ipc/contract';
import { menuTemplate } from './menu-template';

/** The application menu (see menuTemplate); Toggle Developer Tools only when not packaged. */
export function buildMenu(
  send: (command: MenuCommand) => void,
  isMac: boolean,
  recent: readonly RecentFile[],
  openRecent: (path: string) => void,
  isPackaged: boolean,
): Menu {
  return Menu.buildFromTemplate(menuTemplate(send, isMac, recent, openRecent, isPackaged));
}
