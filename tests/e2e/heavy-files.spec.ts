import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromRows, zeros } from '#core/matrix';
import { defaultDocument, parseWorkspace, serializeWorkspace } from '#core/workspace/index';
import { answerNextPrompt } from './dialogs';
import { expect, test } from './fixtures';

/**
 * Valid but heavy files through the real Open handler in browser mode: the document loads, work
 * over the compute budget is refused with its message, and the page keeps answering.
 */
let dir: string;
test.beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ks-heavy-e2e-'));
});
test.afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The heavy workspace's text (64 MB: X 64×512×512, K 64×64×31×31), written once for every test here. */
let heavyText: string | null = null;
function writeHeavy(path: string): void {
  heavyText ??= serializeWorkspace({
    ...defaultDocument(),
    channels: Array.from({ length: 64 }, () => zeros(512, 512)),
    kernels: Array.from({ length: 64 }, () => Array.from({ length: 64 }, () => zeros(31, 31))),
    biases: Array.from({ length: 64 }, () => 0),
  });
  writeFileSync(path, heavyText);
}

test('a workspace with X 64×512×512 and K 64×64×31×31 opens; Y and training are refused by the budget, and the page stays responsive', async ({
  app,
}) => {
  test.setTimeout(300_000);
  const path = join(dir, 'heavy.kstudio');
  writeHeavy(path);
  answerNextPrompt(app, path);
  await app.getByRole('button', { name: 'Open…' }).click();
  // Parsed in a worker: the page shows the open going on, with Cancel, in a live region.
  const opening = app.getByTestId('file-opening');
  await expect(opening).toContainText('Opening heavy.kstudio…', { timeout: 120_000 });
  await expect(opening.getByRole('button', { name: 'Cancel' })).toBeVisible();
  await expect(app.getByRole('status').filter({ has: opening })).toHaveAttribute('aria-live', 'polite');
  await expect(app).toHaveTitle('heavy.kstudio — Kernel Studio', { timeout: 120_000 });
  await expect(
    app.getByText(
      /Y is not computed live: it takes 9\.1e\+11 multiply-adds \(O × C × Ho × Wo × kh × kw = 64 × 64 × 482 × 482 × 31 × 31\)/,
    ),
  ).toBeVisible({ timeout: 120_000 });

  // The page answers clicks: Train opens, and Step is refused before any work, saying why.
  await app.getByRole('tab', { name: 'Train' }).click();
  await app.getByRole('button', { name: 'Step', exact: true }).click();
  await expect(app.getByText(/Training is refused: the target Y takes 9\.1e\+11 multiply-adds/)).toBeVisible({
    timeout: 120_000,
  });
  await app.getByRole('tab', { name: 'Explore' }).click();
  await expect(app.getByText(/Y is not computed live/)).toBeVisible({ timeout: 120_000 });
});

test('Cancel during a large open ends it: the document open before is untouched, with no error', async ({
  app,
}) => {
  test.setTimeout(300_000);
  const small = join(dir, 'small.kstudio');
  writeFileSync(small, serializeWorkspace({ ...defaultDocument(), kernels: [[fromRows([[7, 8]])]] }));
  answerNextPrompt(app, small);
  await app.getByRole('button', { name: 'Open…' }).click();
  await expect(app).toHaveTitle('small.kstudio — Kernel Studio');

  const heavy = join(dir, 'heavy.kstudio');
  writeHeavy(heavy);
  answerNextPrompt(app, heavy);
  await app.getByRole('button', { name: 'Open…' }).click();
  const opening = app.getByTestId('file-opening');
  await expect(opening).toContainText('Opening heavy.kstudio…', { timeout: 120_000 });
  // By keyboard: the Cancel button takes focus and Enter presses it.
  await opening.getByRole('button', { name: 'Cancel' }).focus();
  await app.keyboard.press('Enter');
  await expect(opening).toHaveCount(0);
  await expect(app.getByTestId('file-error')).toHaveCount(0);
  await expect(app).toHaveTitle('small.kstudio — Kernel Studio');

  // Save writes the small document back to its own file: still its path, still its kernel.
  await app.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(app.getByText('Saved small.kstudio')).toBeVisible();
  const saved = parseWorkspace(readFileSync(small, 'utf8'), 'small.kstudio');
  expect(saved.kernels.map((row) => row.map((k) => [...k.data]))).toEqual([[[7, 8]]]);
  await expect(app.getByTestId('file-error')).toHaveCount(0);
});

test("a large file's error comes from the worker exactly as the parser words it, and changes nothing", async ({
  app,
}) => {
  const path = join(dir, 'bad-big.kstudio');
  const good = serializeWorkspace({ ...defaultDocument(), channels: [zeros(700, 700)] });
  const text = good.replace('[0, 0, 0', '[0, "a", 0');
  expect(text.length).toBeGreaterThan(1024 * 1024);
  writeFileSync(path, text);
  let expected = '';
  try {
    parseWorkspace(text, 'bad-big.kstudio');
  } catch (error) {
    expected = (error as Error).message;
  }
  expect(expected).toMatch(/^bad-big\.kstudio: /);
  answerNextPrompt(app, path);
  await app.getByRole('button', { name: 'Open…' }).click();
  await expect(app.getByTestId('file-error')).toHaveText(expected);
  await expect(app.getByTestId('file-opening')).toHaveCount(0);
  await expect(app).toHaveTitle('Kernel Studio');
});

test('Save As writes a large document in the worker: the same text as core writes on one thread', async ({
  app,
}) => {
  const path = join(dir, 'large.kstudio');
  const x = zeros(700, 700);
  x.data.forEach((_, i) => (x.data[i] = (i % 97) / 8));
  const text = serializeWorkspace({ ...defaultDocument(), channels: [x] }, 'Kernel Studio');
  expect(text.length).toBeGreaterThan(1024 * 1024);
  writeFileSync(path, text);
  answerNextPrompt(app, path);
  await app.getByRole('button', { name: 'Open…' }).click();
  await expect(app).toHaveTitle('large.kstudio — Kernel Studio');

  const copy = join(dir, 'copy.kstudio');
  answerNextPrompt(app, copy);
  await app.getByRole('button', { name: 'Save As…' }).click();
  await expect(app).toHaveTitle('copy.kstudio — Kernel Studio');
  expect(readFileSync(copy, 'utf8')).toBe(text);
  await expect(app.getByTestId('file-error')).toHaveCount(0);
});
