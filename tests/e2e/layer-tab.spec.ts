/**
 * The layer tab ("Channels, padding and stride"): its layout (X, the kernels and a whole output
 * channel above the fold at 1280×800; no overlaps at 1024×700), and the breakdown of a hovered
 * cell of any output channel's Y grid (English and 中文).
 */
import type { Page } from '@playwright/test';
import { zh } from '../../renderer/src/i18n/zh';
import { expect, test } from './fixtures';
import { cell, expectGrid, grid, readGrid } from './grid';

const openLayerTab = async (app: Page, preset: string): Promise<void> => {
  await app.getByRole('tab', { name: 'Channels, padding and stride', exact: true }).click();
  await app.getByRole('button', { name: preset }).click();
  await expect(grid(app, 'Y channel 1')).toBeVisible();
};

interface Box {
  name: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The boxes of the layer panel's grids and controls (none nested in another), as laid out. */
const boxes = (app: Page): Promise<Box[]> =>
  app.getByRole('tabpanel', { name: 'Channels, padding and stride' }).evaluate((panel) => {
    const selector = '[role="grid"], button, input, select, output, label';
    const all = [...panel.querySelectorAll<HTMLElement>(selector)].filter(
      (el) => el.checkVisibility({ contentVisibilityAuto: true }) && !el.parentElement?.closest(selector),
    );
    return all.map((el) => {
      const r = el.getBoundingClientRect();
      const name = el.getAttribute('aria-label') ?? el.textContent?.trim().slice(0, 40) ?? el.tagName;
      return { name, x: r.x, y: r.y, width: r.width, height: r.height };
    });
  });

for (const preset of ['2 input channels (d2l)', 'K, K+1, K+2: 3 outputs']) {
  test(`at 1280×800, X, the kernels and the whole of Y channel 1 show without scrolling (${preset})`, async ({
    app,
  }) => {
    await app.setViewportSize({ width: 1280, height: 800 });
    await openLayerTab(app, preset);
    for (const name of [
      'X channel 1',
      'X channel 2',
      'K output 1 input 1',
      'K output 1 input 2',
      'Y channel 1',
    ]) {
      const box = await grid(app, name).boundingBox();
      expect(box, name).not.toBeNull();
      expect(box!.y, `${name} top`).toBeGreaterThanOrEqual(0);
      expect(box!.x, `${name} left`).toBeGreaterThanOrEqual(0);
      expect(box!.y + box!.height, `${name} bottom`).toBeLessThanOrEqual(800);
      expect(box!.x + box!.width, `${name} right`).toBeLessThanOrEqual(1280);
    }
  });

  test(`at 1024×700 nothing in the layer tab overlaps (${preset})`, async ({ app }) => {
    await app.setViewportSize({ width: 1024, height: 700 });
    await openLayerTab(app, preset);
    const all = await boxes(app);
    expect(all.length).toBeGreaterThan(10);
    const overlaps: string[] = [];
    for (let i = 0; i < all.length; i++)
      for (let j = i + 1; j < all.length; j++) {
        const [a, b] = [all[i], all[j]];
        const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
        const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
        if (w > 1 && h > 1) overlaps.push(`${a.name} × ${b.name}`);
      }
    expect(overlaps).toEqual([]);
  });
}

test('hovering a cell of any output channel writes its breakdown: per input channel, sum, bias, ReLU', async ({
  app,
}) => {
  await openLayerTab(app, 'K, K+1, K+2: 3 outputs');
  const region = app.getByRole('region', { name: 'Breakdown of the hovered Y cell' });
  await expect(region).toContainText('Hover');
  // Y2 = X ⋆ (K+1): the cell (1, 2) is 37 from X1 and 63 from X2.
  await cell(grid(app, 'Y channel 2'), 1, 2).hover();
  await expect(region).toContainText(
    'Y at row 1, column 2: X1: 1×1 + 2×2 + 4×3 + 5×4 = 37; X2: 2×2 + 3×3 + 5×4 + 6×5 = 63; 37 + 63 = 100',
  );
  await cell(grid(app, 'Y channel 3'), 2, 2).hover();
  await expect(region).toContainText('= 224');
  // The bias and the activation of that output channel are written out too.
  const bias = app.getByRole('spinbutton', { name: 'Bias of output 2' });
  await bias.fill('-150');
  await bias.press('Tab');
  await app.getByRole('combobox', { name: 'Activation' }).selectOption('relu');
  await cell(grid(app, 'Y channel 2'), 1, 2).hover();
  await expect(region).toContainText('37 + 63 = 100; 100 + b (-150) = -50; relu(-50) = 0');
  await expect(region).toContainText('= 0');
});

test('中文: the breakdown of a hovered Y cell follows the language switch', async ({ app }) => {
  await openLayerTab(app, 'K, K+1, K+2: 3 outputs');
  await app.getByRole('combobox', { name: 'Language' }).selectOption('zh');
  // Row 2, column 1 of the 2×2 Y2 (cells are named in Chinese now).
  await grid(app, zh['layer.y'].replace('{o}', '2')).getByRole('gridcell').nth(2).hover();
  await expect(app.getByRole('region', { name: zh['layer.breakdown'] })).toContainText('= 148');
});

/** The colour of a grid's canvas on the top edge of cell (row, col) (1-based), in the middle of the cell. */
const topEdge = (app: Page, name: string, row: number, col: number): Promise<number[]> =>
  grid(app, name).evaluate(
    (el, [row, col]) => {
      const canvas = el.querySelector('canvas')!;
      const scale = canvas.width / canvas.getBoundingClientRect().width;
      const [rows, cols] = ['aria-rowcount', 'aria-colcount'].map((a) => Number(el.getAttribute(a)));
      const x = Math.floor(((col - 0.5) * canvas.width) / cols);
      const y = Math.floor(((row - 1) * canvas.height) / rows + scale);
      return [...canvas.getContext('2d')!.getImageData(x, y, 1, 1).data];
    },
    [row, col],
  );
const orange = (rgb: number[]): boolean => rgb[0] > 200 && rgb[1] > 120 && rgb[1] < 190 && rgb[2] < 80;

test('the receptive field of the hovered Y cell is outlined on X: the taps spread by the dilation, moved by the stride', async ({
  app,
}) => {
  await openLayerTab(app, 'Dilation 2, 3×3');
  // Y (1, 1) with dilation 2: taps on rows and columns 1, 3, 5 of X.
  await cell(grid(app, 'Y channel 1'), 1, 1).hover();
  expect(orange(await topEdge(app, 'X channel 1', 1, 1))).toBe(true);
  expect(orange(await topEdge(app, 'X channel 1', 1, 3))).toBe(true);
  expect(orange(await topEdge(app, 'X channel 1', 1, 2))).toBe(false);
  expect(orange(await topEdge(app, 'X channel 1', 5, 5))).toBe(true);
  // Stride 2: Y (2, 1) starts two rows down, on rows 3, 5, 7.
  const stride = app.getByRole('spinbutton', { name: 'Stride rows' });
  await stride.fill('2');
  await stride.press('Tab');
  await expect(app.getByRole('status', { name: 'Layer output shape' })).toHaveText('X 1×8×8 → Y 1×2×4');
  await cell(grid(app, 'Y channel 1'), 2, 1).hover();
  expect(orange(await topEdge(app, 'X channel 1', 3, 1))).toBe(true);
  expect(orange(await topEdge(app, 'X channel 1', 7, 5))).toBe(true);
  expect(orange(await topEdge(app, 'X channel 1', 1, 1))).toBe(false);
  expect(orange(await topEdge(app, 'X channel 1', 4, 1))).toBe(false);
});

test('the layer as a matrix product (im2col): W · im2col(X) gives every Y channel, with stride and padding', async ({
  app,
}) => {
  await openLayerTab(app, 'K, K+1, K+2: 3 outputs');
  await app.getByText('The layer as a matrix product (im2col)', { exact: true }).click();
  await expectGrid(app, 'W as 3×8 (im2col)', [
    [0, 1, 2, 3, 1, 2, 3, 4],
    [1, 2, 3, 4, 2, 3, 4, 5],
    [2, 3, 4, 5, 3, 4, 5, 6],
  ]);
  // Column 1 of im2col(X): the window of Y's cell (1, 1) in X1, then in X2.
  expect((await readGrid(app, 'im2col(X) (8×4)')).map((r) => r[0])).toEqual([0, 1, 3, 4, 1, 2, 4, 5]);
  await expectGrid(app, 'act(W · im2col(X) + b) (3×4)', [
    [56, 72, 104, 120],
    [76, 100, 148, 172],
    [96, 128, 192, 224],
  ]);
  // Padding 1 and stride 2: 2×2 outputs whose first window reads the padding's zeros.
  for (const [name, value] of [
    ['Padding rows', '1'],
    ['Padding columns', '1'],
    ['Stride rows', '2'],
    ['Stride columns', '2'],
  ]) {
    await app.getByRole('spinbutton', { name, exact: true }).fill(value);
    await app.getByRole('spinbutton', { name, exact: true }).press('Tab');
  }
  await expect(app.getByRole('status', { name: 'Layer output shape' })).toHaveText('X 2×3×3 → Y 3×2×2');
  expect((await readGrid(app, 'im2col(X) (8×4)')).map((r) => r[0])).toEqual([0, 0, 0, 0, 0, 0, 0, 1]);
  const y = await readGrid(app, 'act(W · im2col(X) + b) (3×4)');
  for (const o of [1, 2, 3]) expect(y[o - 1]).toEqual((await readGrid(app, `Y channel ${o}`)).flat());
});

test('中文: the im2col view follows the language switch', async ({ app }) => {
  await openLayerTab(app, '2 input channels (d2l)');
  await app.getByRole('combobox', { name: 'Language' }).selectOption('zh');
  await app.getByText(zh['layer.im2col'], { exact: true }).click();
  await expect(grid(app, 'act(W · im2col(X) + b)（1×4）')).toBeVisible();
  await expect(grid(app, 'W，1×8（im2col）')).toBeVisible();
});
