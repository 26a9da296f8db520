import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator } from '@playwright/test';
import { answerNextPrompt } from './dialogs';
import { expect, test } from './fixtures';
import { grid, panel, readGrid, typeCell } from './grid';

/** Numeric fields: one bounds table (core/bounds.ts) decides what the UI accepts, saves and reopens. */
let dir: string;
test.beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ks-fields-e2e-'));
});
test.afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Types into a field key by key (as a person does; fill() refuses non-numbers in number inputs), then commits. */
async function typeInto(field: Locator, text: string): Promise<void> {
  await field.fill('');
  await field.pressSequentially(text);
  await field.press('Tab');
}

test('whatever the lr field accepts saves and reopens; past the bound it says so and keeps the value', async ({
  app,
}) => {
  await app.getByRole('tab', { name: 'Train' }).click();
  const lr = app.getByRole('spinbutton', { name: 'Learning rate' });
  await typeInto(lr, '1e7');
  await expect(app.getByRole('alert')).toHaveText('Learning rate: enter a number from 1e-12 to 1e6.');
  await expect(lr).toHaveValue('0.03');
  await typeInto(lr, '1e6');
  await expect(lr).toHaveValue('1000000');

  const workspace = join(dir, 'big-lr.kstudio');
  answerNextPrompt(app, workspace);
  await app.getByRole('button', { name: 'Save As…' }).click();
  await expect(app).toHaveTitle('big-lr.kstudio — Kernel Studio');
  await app.getByRole('button', { name: 'New' }).click();
  await expect(lr).toHaveValue('0.03');
  answerNextPrompt(app, workspace);
  await app.getByRole('button', { name: 'Open…' }).click();
  await expect(app).toHaveTitle('big-lr.kstudio — Kernel Studio');
  await expect(app.getByTestId('file-error')).toHaveCount(0);
  await expect(lr).toHaveValue('1000000');
});

test('bad numbers in cells and fields show a message naming the field and range, and keep a valid value', async ({
  app,
}) => {
  const x = panel(app, 'Input X');
  const before = await readGrid(app, 'Input X');
  for (const bad of ['1e999', '--5', '1.2.3']) {
    await typeCell(app, 'Input X', 1, 1, bad);
    await expect(x.getByRole('alert')).toHaveText(
      `“${bad}” is not a value here. Cell (1, 1): enter a number from -1e6 to 1e6.`,
    );
    expect(await readGrid(app, 'Input X')).toEqual(before);
  }
  await typeCell(app, 'Input X', 1, 1, '7');
  await expect.poll(() => readGrid(app, 'Input X').then((g) => g[0][0])).toBe(7);
  await expect(x.getByRole('alert')).toHaveCount(0);

  const rows = x.getByRole('spinbutton', { name: 'Rows' });
  await typeInto(rows, '-3');
  await expect(x.getByRole('alert')).toHaveText('Input X · Rows: enter a whole number from 1 to 256.');
  await expect(rows).toHaveValue('6');
  await expect(grid(app, 'Input X').getByRole('gridcell')).toHaveCount(48);

  const brush = x.getByRole('spinbutton', { name: 'Brush value', exact: true });
  await typeInto(brush, '');
  await expect(x.getByRole('alert').filter({ hasText: 'Brush' })).toHaveText(
    'Brush value: enter a number from -1e6 to 1e6.',
  );
  await expect(brush).toHaveValue('1');

  const bias = app.getByRole('spinbutton', { name: 'Bias b' });
  await typeInto(bias, '');
  await expect(app.getByRole('group', { name: 'Layer settings' }).getByRole('alert')).toHaveText(
    'Bias b: enter a number from -1e6 to 1e6.',
  );
  await expect(bias).toHaveValue('0');
});
