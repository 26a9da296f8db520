/**
 * The app's command registry: every command id (the menu's) → what it does.
 * The native menu (Electron) sends ids; the toolbar calls `run`; in browser
 * mode, where there is no menu, key presses are matched against the same
 * accelerators (ipc/contract's COMMAND_ACCELERATORS). A `Record` over every
 * id, so a command the menu sends cannot lack a handler.
 */
import { COMMAND_ACCELERATORS, type MenuCommand } from '../../../ipc/contract';

export type CommandHandlers = Record<MenuCommand, () => void>;

export class Commands {
  constructor(private readonly handlers: CommandHandlers) {}

  run(id: MenuCommand): void {
    this.handlers[id]();
  }

  /** The command a key press stands for, if any ("CmdOrCtrl+Shift+Z"; Ctrl+Y is redo too). */
  forKey(
    event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey'>,
  ): MenuCommand | null {
    if (!(event.ctrlKey || event.metaKey) || event.altKey) return null;
    const key = event.key.toLowerCase();
    if (key === 'y' && event.ctrlKey && !event.shiftKey) return 'redo';
    for (const [id, accelerator] of Object.entries(COMMAND_ACCELERATORS)) {
      const parts = accelerator.toLowerCase().split('+');
      if (parts[parts.length - 1] === key && parts.includes('shift') === event.shiftKey)
        return id as MenuCommand;
    }
    return null;
  }
}

/** Undo and redo in a text field belong to the field, not to the document. */
export function isTextEntry(target: EventTarget | null): boolean {
  return target instanceof Element && target.closest('input, textarea, select, [contenteditable]') !== null;
}
