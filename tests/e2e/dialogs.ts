import type { Dialog, Page } from '@playwright/test';
import { SAVE_CONFIRM_PREFIX } from '../../ipc/contract';

/**
 * Browser mode's "native" file dialogs are window.prompt()s: answers the next
 * one with `path`, accepting any confirm() on the way (unsaved-changes questions)
 * and, after a save prompt, the confirm that shows the absolute path.
 */
export function answerNextPrompt(page: Page, path: string): void {
  let answered = false;
  const handler = (dialog: Dialog) => {
    if (dialog.type() === 'prompt' && !answered) {
      answered = true;
      if (!dialog.message().startsWith('Save')) page.off('dialog', handler);
      void dialog.accept(path);
    } else {
      if (answered && dialog.message().startsWith(SAVE_CONFIRM_PREFIX)) page.off('dialog', handler);
      void dialog.accept();
    }
  };
  page.on('dialog', handler);
}
