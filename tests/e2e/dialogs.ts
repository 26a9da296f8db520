import type { Dialog, Page } from '@playwright/test';

/**
 * Browser mode's "native" file dialogs are window.prompt()s: answers the next
 * one with `path`, accepting any confirm() on the way (unsaved-changes questions).
 */
export function answerNextPrompt(page: Page, path: string): void {
  const handler = (dialog: Dialog) => {
    if (dialog.type() === 'prompt') {
      page.off('dialog', handler);
      void dialog.accept(path);
    } else void dialog.accept();
  };
  page.on('dialog', handler);
}
