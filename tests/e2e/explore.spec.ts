import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createRequire } from 'node:module';
import type { Locator, Page } from '@playwright/test';
import { expect, test } from './fixtures';

const root = resolve(import.meta.dirname, '../..');
/** pngjs ships no types; this is the one call the test needs. */
const { PNG } = createRequire(import.meta.url)('pngjs') as {
  PNG: { sync: { read(buffer: Buffer): { width: number; height: number; data: Buffer } } };
};
interface Golden {
  x: number[][];
  expected: { y: number[][] };
}
const golden = (name: string): Golden =>
  JSON.parse(readFileSync(resolve(root, 'tests/golden', `${name}.json`), 'utf8')) as Golden;

/** The editor panel (tools + grid) whose accessible name is `name`. */
const panel = (app: Page, name: string): Locator => app.getByRole('group', { name, exact: true });
const grid = (app: Page, name: string): Locator => app.getByRole('grid', { name, exact: true });
const cell = (g: Locator, row: number, col: number): Locator =>
  g.getByRole('gridcell', { name: new RegExp(`^row ${row}, column ${col}, value `) });

/** Reads a grid back from its cells' accessible names ("row r, column c, value v"). */
async function readGrid(app: Page, name: string): Promise<number[][]> {
  return grid(app, name).evaluate((el) => {
    const out: number[][] = [];
    for (const c of el.querySelectorAll('[role="gridcell"]')) {
      const m = /^row (\d+), column (\d+), value (\S+)$/.exec(c.getAttribute('aria-label') ?? '');
      if (!m) throw new Error(`unexpected cell name ${c.getAttribute('aria-label')}`);
      (out[Number(m[1]) - 1] ??= [])[Number(m[2]) - 1] = Number(m[3]);
    }
    return out;
  });
}

async function expectGrid(app: Page, name: string, expected: number[][]): Promise<void> {
  await expect.poll(() => readGrid(app, name).catch(() => null)).toEqual(expected);
}

async function setSize(editor: Locator, rows: number, cols: number): Promise<void> {
  await editor.getByRole('spinbutton', { name: 'Rows' }).fill(String(rows));
  await editor.getByRole('spinbutton', { name: 'Rows' }).press('Tab');
  await editor.getByRole('spinbutton', { name: 'Columns' }).fill(String(cols));
  await editor.getByRole('spinbutton', { name: 'Columns' }).press('Tab');
}

test('drawing the edge image and K=[1,−1] by hand gives the seeds’ Y; transpose gives zeros; undo restores', async ({
  app,
}) => {
  // Start somewhere else, so that clearing and resizing really happen.
  await app.getByRole('button', { name: /^Sanity test/ }).click();
  const x = panel(app, 'Input X');
  await x.getByRole('button', { name: 'Clear', exact: true }).click();
  await setSize(x, 6, 8);
  const gx = grid(app, 'Input X');
  await expect(gx.getByRole('gridcell')).toHaveCount(48);

  // Paint columns 1, 2, 7 and 8 white with drags from the top row to the bottom row.
  await x.getByRole('button', { name: 'Brush value 1' }).click();
  for (const col of [1, 2, 7, 8]) {
    await cell(gx, 1, col).hover();
    await app.mouse.down();
    await cell(gx, 6, col).hover();
    await app.mouse.up();
  }
  const edge = golden('edge_vertical');
  await expectGrid(app, 'Input X', edge.x);

  // K by keyboard: clear, resize to 1×2, type 1 ⏎ → -1 ⏎.
  const k = panel(app, 'Kernel K');
  await k.getByRole('button', { name: 'Clear', exact: true }).click();
  await setSize(k, 1, 2);
  const gk = grid(app, 'Kernel K');
  await gk.focus();
  await app.keyboard.press('Home');
  await app.keyboard.type('1');
  await app.keyboard.press('Enter');
  await app.keyboard.press('ArrowRight');
  await app.keyboard.type('-1');
  await app.keyboard.press('Enter');
  await expectGrid(app, 'Kernel K', [[1, -1]]);
  await expect(app.getByText('Y shape: (6−1+1)×(8−2+1) = 6×7')).toBeVisible();
  await expectGrid(app, 'Output Y', edge.expected.y);

  // Transposing X detects no edges at all.
  await x.getByRole('button', { name: 'Transpose', exact: true }).click();
  await expectGrid(app, 'Output Y', golden('edge_transposed').expected.y);

  // Ctrl+Z restores the previous X (and Y); Ctrl+Shift+Z redoes.
  await app.keyboard.press('Control+z');
  await expectGrid(app, 'Input X', edge.x);
  await expectGrid(app, 'Output Y', edge.expected.y);
  await app.keyboard.press('Control+Shift+z');
  await expectGrid(app, 'Output Y', golden('edge_transposed').expected.y);
  await app.getByRole('button', { name: 'Undo', exact: true }).click();
  await expectGrid(app, 'Input X', edge.x);
});

test('hovering an output cell of the sanity case writes out its sum of products', async ({ app }) => {
  await app.getByRole('button', { name: /^Sanity test/ }).click();
  const sanity = golden('corr2d_sanity');
  await expectGrid(app, 'Output Y', sanity.expected.y);
  await cell(grid(app, 'Output Y'), 1, 1).hover();
  const region = app.getByRole('region', { name: 'Sum of products' });
  await expect(region).toContainText('0×0 + 1×1 + 3×2 + 4×3 = 19');
  // Bias and ReLU are written out too.
  await app.getByRole('spinbutton', { name: 'Bias b' }).fill('-30');
  await app.getByRole('spinbutton', { name: 'Bias b' }).press('Tab');
  await app.getByRole('combobox', { name: 'Activation' }).selectOption('relu');
  await cell(grid(app, 'Output Y'), 1, 1).hover();
  await expect(region).toContainText('19 + b (-30) = -11; relu(-11) = 0');
});

test('K larger than X gives a clear message', async ({ app }) => {
  await app.getByRole('button', { name: /^Sanity test/ }).click();
  await setSize(panel(app, 'Kernel K'), 4, 2);
  await expect(app.getByRole('alert')).toContainText('K (4×2) is larger than X (3×3)');
});

test('importing a PNG gives its grayscale grid', async ({ app }) => {
  const file = resolve(root, 'tests/fixtures/images/gray-4x3.png');
  const png = PNG.sync.read(readFileSync(file));
  const expected: number[][] = [];
  for (let r = 0; r < png.height; r++) {
    const row: number[] = [];
    for (let c = 0; c < png.width; c++) {
      const i = (r * png.width + c) * 4;
      row.push((0.299 * png.data[i] + 0.587 * png.data[i + 1] + 0.114 * png.data[i + 2]) / 255);
    }
    expected.push(row);
  }
  await app.getByLabel('Image file (PNG, JPEG or WebP)').setInputFiles(file);
  await expect(app.getByText('Imported gray-4x3.png as 3×4')).toBeVisible();
  const got = await readGrid(app, 'Input X');
  expect(got.length).toBe(3);
  got.forEach((row, r) => row.forEach((v, c) => expect(v).toBeCloseTo(expected[r][c], 3)));
});

test('a 256×256 X is drawn on a canvas with one virtual gridcell that follows the cursor', async ({
  app,
}) => {
  const x = panel(app, 'Input X');
  await setSize(x, 256, 256);
  await x.getByRole('button', { name: 'Random fill', exact: true }).click();
  const k = panel(app, 'Kernel K');
  await setSize(k, 11, 11);
  await k.getByRole('button', { name: 'Random fill', exact: true }).click();
  await expect(app.getByText('= 246×246')).toBeVisible();
  const gx = grid(app, 'Input X');
  await expect(gx.getByRole('gridcell')).toHaveCount(1);
  await gx.focus();
  await app.keyboard.press('ArrowRight');
  await app.keyboard.press('ArrowDown');
  await expect(gx.getByRole('gridcell')).toHaveAccessibleName(/^row 2, column 2, value /);
  const active = await gx.getAttribute('aria-activedescendant');
  await expect(gx.getByRole('gridcell')).toHaveAttribute('id', active!);
  // Edits at 256² with an 11×11 kernel run without long main-thread tasks (CPU forward + redraw).
  await app.evaluate(() => {
    const w = window as unknown as { __long: number[] };
    w.__long = [];
    new PerformanceObserver((list) => list.getEntries().forEach((e) => w.__long.push(e.duration))).observe({
      type: 'longtask',
    });
  });
  for (let i = 0; i < 5; i++) await x.getByRole('button', { name: 'Shift right', exact: true }).click();
  await app.waitForTimeout(300);
  const long = await app.evaluate(() => (window as unknown as { __long: number[] }).__long);
  console.log(`long tasks during 5 edits at 256²/11×11: ${JSON.stringify(long.map(Math.round))}`);
  expect(Math.max(0, ...long)).toBeLessThan(250);
});
