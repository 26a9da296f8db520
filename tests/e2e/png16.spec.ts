/**
 * A 16-bit PNG imports at full precision (issue 22.10): the browser's decoder gives 8 bits a
 * channel, so the app decodes 16-bit PNGs itself. The values are chosen where 8 bits are furthest
 * off (half a step: 33025/65535 = 0.50393 reads 129/255 = 0.50588 at 8 bits).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { greyPng } from '../helpers/png-chunks';
import { expect, test } from './fixtures';
import { readGrid } from './grid';

test('a 16-bit grey PNG imports at 16-bit precision', async ({ app }) => {
  const dir = mkdtempSync(join(tmpdir(), 'ks-png16-'));
  try {
    const levels = [
      [33025, 1000, 0],
      [65535, 257 * 77 + 128, 12345],
    ];
    const file = join(dir, 'grey16.png');
    writeFileSync(file, greyPng(levels, 16));
    await app.getByRole('checkbox', { name: 'Keep colour (3 channels R, G, B)' }).uncheck();
    await app.getByLabel('Image file (PNG, JPEG or WebP)').setInputFiles(file);
    await expect(app.getByText('Imported grey16.png as 2×3')).toBeVisible();
    const got = await readGrid(app, 'Input X');
    got.forEach((row, r) => row.forEach((v, c) => expect(v).toBeCloseTo(levels[r][c] / 65535, 4)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
