import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zeros } from '#core/matrix';
import { defaultDocument, serializeWorkspace } from '#core/workspace/index';
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

test('a workspace with X 64×512×512 and K 64×64×31×31 opens; Y and training are refused by the budget, and the page stays responsive', async ({
  app,
}) => {
  test.setTimeout(300_000);
  const path = join(dir, 'heavy.kstudio');
  writeFileSync(
    path,
    serializeWorkspace({
      ...defaultDocument(),
      channels: Array.from({ length: 64 }, () => zeros(512, 512)),
      kernels: Array.from({ length: 64 }, () => Array.from({ length: 64 }, () => zeros(31, 31))),
      biases: Array.from({ length: 64 }, () => 0),
    }),
  );
  answerNextPrompt(app, path);
  await app.getByRole('button', { name: 'Open…' }).click();
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
