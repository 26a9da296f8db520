import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { PNG } from './png';
import { cell, expectGrid, grid, panel, readGrid, setSize, typeCell } from './grid';

const root = resolve(import.meta.dirname, '../..');
interface Golden {
  x: number[][];
  expected: { y: number[][] };
}
const golden = (name: string): Golden =>
  JSON.parse(readFileSync(resolve(root, 'tests/golden', `${name}.json`), 'utf8')) as Golden;

test('drawing the edge image and K=[1,−1] by hand gives d2l’s Y; transpose gives zeros; undo restores', async ({
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

/** The colour of a grid's canvas on its top edge, in the middle of column `col` (1-based). */
async function edgePixel(app: Page, name: string, col: number): Promise<number[]> {
  return grid(app, name).evaluate((el, col) => {
    const canvas = el.querySelector('canvas')!;
    const scale = canvas.width / canvas.getBoundingClientRect().width;
    const cols = Number(el.getAttribute('aria-colcount'));
    const x = Math.floor(((col - 0.5) * canvas.width) / cols);
    return [...canvas.getContext('2d')!.getImageData(x, Math.floor(scale), 1, 1).data];
  }, col);
}

test('hovering an output cell of the sanity case writes out its sum of products', async ({ app }) => {
  await app.getByRole('button', { name: /^Sanity test/ }).click();
  const sanity = golden('corr2d_sanity');
  await expectGrid(app, 'Output Y', sanity.expected.y);
  await cell(grid(app, 'Output Y'), 1, 1).hover();
  const region = app.getByRole('region', { name: 'Sum of products' });
  await expect(region).toContainText('0×0 + 1×1 + 3×2 + 4×3 = 19');
  // The window under that output cell is outlined on X (its top edge), and the whole of K.
  const orange = (rgb: number[]) => rgb[0] > 200 && rgb[1] > 120 && rgb[1] < 190 && rgb[2] < 80;
  expect(orange(await edgePixel(app, 'Input X', 1))).toBe(true);
  expect(orange(await edgePixel(app, 'Input X', 3))).toBe(false);
  expect(orange(await edgePixel(app, 'Kernel K', 2))).toBe(true);
  // Keyboard focus works like hovering: the cursor's cell is written out.
  await app.mouse.move(0, 0);
  await grid(app, 'Output Y').focus();
  await app.keyboard.press('ArrowRight');
  await expect(region).toContainText('Y at row 1, column 2: 1×0 + 2×1 + 4×2 + 5×3 = 25');
  // Bias and ReLU are written out too.
  await app.getByRole('spinbutton', { name: 'Bias b' }).fill('-30');
  await app.getByRole('spinbutton', { name: 'Bias b' }).press('Tab');
  await app.getByRole('combobox', { name: 'Activation' }).selectOption('relu');
  await cell(grid(app, 'Output Y'), 1, 1).hover();
  await expect(region).toContainText('19 + b (-30) = -11; relu(-11) = 0');
});

test('a long sum of products scrolls in place: hovering Y never resizes the grid under the pointer', async ({
  app,
}) => {
  await app.getByRole('button', { name: /^Blur 5×5/ }).click();
  const y = grid(app, 'Output Y');
  const before = await y.boundingBox();
  if (!before) throw new Error('Output Y has no box');
  // Just inside the top-left corner, where a growing footer would push the cell out from under the pointer.
  await app.mouse.move(before.x + 3, before.y + 3);
  const region = app.getByRole('region', { name: 'Sum of products' });
  await expect(region).toContainText(/ = -?\d/);
  expect((await region.textContent())!.split('×').length - 1).toBe(25);
  expect(await y.boundingBox()).toEqual(before);
  await app.mouse.move(before.x + 4, before.y + 4);
  expect(await y.boundingBox()).toEqual(before);
});

test('K larger than X gives a clear message', async ({ app }) => {
  await app.getByRole('button', { name: /^Sanity test/ }).click();
  await setSize(panel(app, 'Kernel K'), 4, 2);
  await expect(app.getByRole('alert')).toContainText('K (4×2) is larger than X (3×3)');
});

const grayPng = resolve(root, 'tests/fixtures/images/gray-4x3.png');

/** The gray-4x3 fixture as the app's grayscale grid (BT.601 luma in 0…1). */
function grayFixture(): number[][] {
  const png = PNG.sync.read(readFileSync(grayPng));
  const expected: number[][] = [];
  for (let r = 0; r < png.height; r++) {
    const row: number[] = [];
    for (let c = 0; c < png.width; c++) {
      const i = (r * png.width + c) * 4;
      row.push((0.299 * png.data[i] + 0.587 * png.data[i + 1] + 0.114 * png.data[i + 2]) / 255);
    }
    expected.push(row);
  }
  return expected;
}

test('importing a PNG with "Keep colour" off gives its grayscale grid', async ({ app }) => {
  const expected = grayFixture();
  await app.getByRole('checkbox', { name: 'Keep colour (3 channels R, G, B)' }).uncheck();
  await app.getByLabel('Image file (PNG, JPEG or WebP)').setInputFiles(grayPng);
  await expect(app.getByText('Imported gray-4x3.png as 3×4')).toBeVisible();
  const got = await readGrid(app, 'Input X');
  expect(got.length).toBe(3);
  got.forEach((row, r) => row.forEach((v, c) => expect(v).toBeCloseTo(expected[r][c], 3)));
});

test('a broken PNG’s import error names the file and shows in view at 1280×800, X kept', async ({ app }) => {
  await app.setViewportSize({ width: 1280, height: 800 });
  const x = await readGrid(app, 'Input X');
  await app.getByLabel('Image file (PNG, JPEG or WebP)').setInputFiles({
    name: 'broken.png',
    mimeType: 'image/png',
    buffer: readFileSync(grayPng).subarray(0, 40),
  });
  const banner = app.getByRole('alert', { name: 'Could not complete that' });
  await expect(banner).toContainText(
    'Could not import broken.png: it is not a readable PNG, JPEG or WebP image.',
  );
  await expect(banner).toBeInViewport({ ratio: 1 });
  expect(await readGrid(app, 'Input X')).toEqual(x);
});

test('a PNG dropped on X imports it as X; dropped on K it is refused with the reason, K kept', async ({
  app,
}) => {
  const bytes = [...readFileSync(grayPng)];
  const drop = (target: string, name: string) =>
    grid(app, target).evaluate(
      (el, [data, fileName]) => {
        const transfer = new DataTransfer();
        transfer.items.add(new File([new Uint8Array(data)], fileName, { type: 'image/png' }));
        el.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
      },
      [bytes, name] as const,
    );
  const k = await readGrid(app, 'Kernel K');
  await drop('Kernel K', 'photo.png');
  await expect(app.getByRole('alert')).toHaveText(
    'photo.png is an image, and K takes a kernel file (.json, .csv, .tsv, .txt, .npy, .safetensors): drop the image on X to import it there.',
  );
  expect(await readGrid(app, 'Kernel K')).toEqual(k);
  await expect(app.getByTestId('file-error')).toHaveCount(0);

  // A drop follows the import box's choice: grey, as asked here.
  await app.getByRole('checkbox', { name: 'Keep colour (3 channels R, G, B)' }).uncheck();
  await drop('Input X', 'gray-4x3.png');
  await expect(app.getByRole('status').filter({ hasText: 'Imported gray-4x3.png as 3×4' })).toBeVisible();
  const expected = grayFixture();
  const got = await readGrid(app, 'Input X');
  expect(got.length).toBe(3);
  got.forEach((row, r) => row.forEach((v, c) => expect(v).toBeCloseTo(expected[r][c], 3)));
  await expect(app.getByTestId('file-error')).toHaveCount(0);
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
  // Edits at 256² with an 11×11 kernel never freeze the page (CPU forward + redraw). Their speed is
  // measured in the bench (edit→Y rows), not here: this bound only catches a hang, whatever the load.
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
  expect(Math.max(0, ...long)).toBeLessThan(3000);
});

test('painting tools: eyedropper, value brush, slider, eraser, flood fill', async ({ app }) => {
  await app.getByRole('button', { name: /^Sanity test/ }).click();
  const x = panel(app, 'Input X');
  const gx = grid(app, 'Input X');
  const brush = x.getByRole('spinbutton', { name: 'Brush value', exact: true });
  // Eyedropper picks 8 and hands back to the paint tool; painting puts 8 where we click.
  await x.getByRole('radio', { name: 'Eyedropper' }).click();
  await cell(gx, 3, 3).click();
  await expect(brush).toHaveValue('8');
  await expect(x.getByRole('radio', { name: 'Paint' })).toHaveAttribute('aria-checked', 'true');
  await cell(gx, 1, 1).click();
  await expectGrid(app, 'Input X', [
    [8, 1, 2],
    [3, 4, 5],
    [6, 7, 8],
  ]);
  // A typed brush value, then the slider moved by keyboard to its minimum (−1).
  await brush.fill('2.5');
  await cell(gx, 1, 2).click();
  await x.getByRole('slider', { name: 'Brush value slider' }).press('Home');
  await expect(brush).toHaveValue('-1');
  await cell(gx, 1, 3).click();
  // The eraser writes 0 wherever it is dragged.
  await x.getByRole('radio', { name: 'Eraser' }).click();
  await cell(gx, 2, 1).hover();
  await app.mouse.down();
  await cell(gx, 2, 3).hover();
  await app.mouse.up();
  await expectGrid(app, 'Input X', [
    [8, 2.5, -1],
    [0, 0, 0],
    [6, 7, 8],
  ]);
  // Flood fill replaces the 4-connected region of equal values (the zero row) only.
  await x.getByRole('button', { name: 'Brush value 1' }).click();
  await x.getByRole('radio', { name: 'Flood fill' }).click();
  await cell(gx, 2, 2).click();
  await expectGrid(app, 'Input X', [
    [8, 2.5, -1],
    [1, 1, 1],
    [6, 7, 8],
  ]);
  // The whole drag was one undo step, like each click.
  await app.getByRole('button', { name: 'Undo', exact: true }).click();
  await app.getByRole('button', { name: 'Undo', exact: true }).click();
  await expectGrid(app, 'Input X', [
    [8, 2.5, -1],
    [3, 4, 5],
    [6, 7, 8],
  ]);
});

test('grid operations: invert, flips, shifts, transpose, resize with an anchor, seeded random fill', async ({
  app,
}) => {
  await app.getByRole('button', { name: /^Sanity test/ }).click();
  const x = panel(app, 'Input X');
  const op = (name: string) => x.getByRole('button', { name, exact: true }).click({ timeout: 5000 });
  // Each step: the operations clicked, then X afterwards.
  const steps: [string[], number[][]][] = [
    [
      ['Flip horizontally'],
      [
        [2, 1, 0],
        [5, 4, 3],
        [8, 7, 6],
      ],
    ],
    [
      ['Flip vertically', 'Transpose'],
      [
        [8, 5, 2],
        [7, 4, 1],
        [6, 3, 0],
      ],
    ],
    [
      ['Shift left', 'Shift down'],
      [
        [0, 0, 0],
        [5, 2, 0],
        [4, 1, 0],
      ],
    ],
    [
      ['Invert'],
      [
        [1, 1, 1],
        [-4, -1, 1],
        [-3, 0, 1],
      ],
    ],
  ];
  for (const [names, expected] of steps) {
    for (const name of names) await op(name);
    await expectGrid(app, 'Input X', expected);
  }
  // Grow to 5×4 around the centre: the old 3×3 sits in the middle, zeros around it.
  await x.getByRole('combobox', { name: 'Resize anchor' }).selectOption('c');
  await setSize(x, 5, 4);
  await expectGrid(app, 'Input X', [
    [0, 0, 0, 0],
    [1, 1, 1, 0],
    [-4, -1, 1, 0],
    [-3, 0, 1, 0],
    [0, 0, 0, 0],
  ]);
  // Random fill is seeded: the same seed gives the same grid, another seed another grid.
  const seed = x.getByRole('spinbutton', { name: 'Random seed' });
  await seed.fill('7');
  await op('Random fill');
  const first = await readGrid(app, 'Input X');
  expect(first.flat().every((v) => v >= 0 && v < 1)).toBe(true);
  await op('Clear');
  await expectGrid(
    app,
    'Input X',
    [0, 1, 2, 3, 4].map(() => [0, 0, 0, 0]),
  );
  await op('Random fill');
  await expectGrid(app, 'Input X', first);
  await seed.fill('8');
  await op('Random fill');
  await expect.poll(() => readGrid(app, 'Input X')).not.toEqual(first);
});

test('K sizes: non-square, at most 31×31 (more is refused with a message); typed negative values', async ({
  app,
}) => {
  const k = panel(app, 'Kernel K');
  await setSize(k, 3, 1);
  await expect(grid(app, 'Kernel K').getByRole('gridcell')).toHaveCount(3);
  await typeCell(app, 'Kernel K', 2, 1, '-0.5');
  await expectGrid(app, 'Kernel K', [[1], [-0.5], [0]]);
  await setSize(panel(app, 'Input X'), 40, 40);
  await setSize(k, 99, 31);
  await expect(k.getByRole('alert')).toHaveText('Kernel K · Rows: enter a whole number from 1 to 31.');
  await expect(k.getByRole('heading', { name: /Kernel K 3×31/ })).toBeVisible();
  await setSize(k, 31, 31);
  await expect(k.getByRole('heading', { name: /Kernel K 31×31/ })).toBeVisible();
  await expect(app.getByText('= 10×10')).toBeVisible();
});

test('copy and paste a grid as CSV or JSON text', async ({ app, server }) => {
  await app.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.origin });
  await app.getByRole('button', { name: /^Sanity test/ }).click();
  const x = panel(app, 'Input X');
  await x.getByText('Paste CSV or JSON').click();
  await x.getByRole('button', { name: 'Copy as JSON' }).click();
  await expect(x.getByText('Copied JSON')).toBeVisible();
  const json = await app.evaluate(() => navigator.clipboard.readText());
  expect(JSON.parse(json)).toEqual([
    [0, 1, 2],
    [3, 4, 5],
    [6, 7, 8],
  ]);
  await x.getByRole('button', { name: 'Copy as CSV' }).click();
  expect(await app.evaluate(() => navigator.clipboard.readText())).toMatch(/^0,1,2\r?\n3,4,5\r?\n6,7,8/);
  const box = x.getByRole('textbox', { name: 'Grid as CSV or JSON text' });
  await box.fill('1, -2\n0.5, 4');
  await x.getByRole('button', { name: 'Apply pasted text' }).click();
  await expectGrid(app, 'Input X', [
    [1, -2],
    [0.5, 4],
  ]);
  await box.fill('[[1, 2, 3]]');
  await x.getByRole('button', { name: 'Apply pasted text' }).click();
  await expectGrid(app, 'Input X', [[1, 2, 3]]);
  await box.fill('1,2\n3');
  await x.getByRole('button', { name: 'Apply pasted text' }).click();
  await expect(x.getByText(/^Could not paste/)).toBeVisible();
  // Ctrl+V on the focused grid pastes the clipboard's text too.
  await app.evaluate(() => navigator.clipboard.writeText('9,8\n7,6'));
  await grid(app, 'Input X').focus();
  await app.keyboard.press('Control+v');
  await expectGrid(app, 'Input X', [
    [9, 8],
    [7, 6],
  ]);
});

test('convolution shows the flipped kernel; the sliding window steps, scrubs and plays', async ({ app }) => {
  await app.getByRole('button', { name: 'Convolution vs correlation' }).click();
  await expect(app.getByRole('radio', { name: 'Convolution (flips K)' })).toHaveAttribute(
    'aria-checked',
    'true',
  );
  await expectGrid(app, 'Flipped kernel (what slides over X)', [
    [3, 2],
    [1, 0],
  ]);
  await expectGrid(app, 'Output Y', [
    [5, 11],
    [23, 29],
  ]);
  await cell(grid(app, 'Output Y'), 1, 1).hover();
  const region = app.getByRole('region', { name: 'Sum of products' });
  await expect(region).toContainText('0×3 + 1×2 + 3×1 + 4×0 = 5');
  await app.getByRole('radio', { name: 'Cross-correlation' }).click();
  await expect(grid(app, 'Flipped kernel (what slides over X)')).toHaveCount(0);
  await expectGrid(app, 'Output Y', golden('corr2d_sanity').expected.y);

  const anim = app.getByRole('group', { name: 'Sliding window' });
  await app.mouse.move(0, 0);
  await anim.getByRole('button', { name: 'Step' }).click();
  await anim.getByRole('button', { name: 'Step' }).click();
  await expect(anim.getByText('2 / 4')).toBeVisible();
  await expect(region).toContainText('Y at row 2, column 1: 3×0 + 4×1 + 6×2 + 7×3 = 37');
  await anim.getByRole('slider', { name: 'Window position' }).press('Home');
  await expect(region).toContainText('Y at row 1, column 1:');
  await anim.getByRole('slider', { name: 'Speed (cells per second)' }).press('End');
  await anim.getByRole('button', { name: 'Play' }).click();
  await expect(anim.getByText('4 / 4')).toBeVisible();
  await expect(anim.getByRole('button', { name: 'Play' })).toBeVisible();
  await anim.getByRole('button', { name: 'Show all' }).click();
  await expect(anim.getByRole('button', { name: 'Show all' })).toBeDisabled();
});

test('every preset applies with its note; the direction slider rebuilds K', async ({ app }) => {
  const presets = app.getByRole('navigation', { name: 'Presets' }).getByRole('button');
  expect(await presets.count()).toBeGreaterThanOrEqual(20);
  for (const button of await presets.all()) {
    await button.click();
    await expect(button).toHaveAttribute('aria-pressed', 'true');
    const name = (await button.textContent())!;
    await expect(app.getByRole('note', { name: 'About this preset' })).toContainText(name);
  }
  await app.getByRole('button', { name: 'Transposed image' }).click();
  await expect.poll(async () => (await readGrid(app, 'Output Y')).flat().every((v) => v === 0)).toBe(true);
  await app.getByRole('button', { name: /^Edge in direction v/ }).click();
  await app.getByRole('slider', { name: /^Direction θ/ }).press('Home');
  await expectGrid(app, 'Kernel K', [
    [-1, 0, 1],
    [-2, 0, 2],
    [-1, 0, 1],
  ]);
  await app.getByRole('button', { name: 'As a matrix product' }).click();
  await expect(app.getByRole('table').first()).toContainText('im2col(X)');
});

test('every control in the Explore view has an accessible name', async ({ app }) => {
  await app.getByRole('button', { name: 'Convolution vs correlation' }).click();
  for (const name of ['Input X', 'Kernel K', 'Output Y', 'Flipped kernel (what slides over X)'])
    await expect(grid(app, name)).toBeVisible();
  const view = app.getByRole('region', { name: 'Explore' });
  let checked = 0;
  for (const role of [
    'button',
    'radio',
    'slider',
    'spinbutton',
    'combobox',
    'textbox',
    'gridcell',
  ] as const) {
    for (const control of await view.getByRole(role).all()) {
      // A name made of words or numbers: a bare glyph such as "⇆" or "←" does not count.
      await expect(control, `a ${role} without a name`).toHaveAccessibleName(/[\p{L}\p{N}]/u);
      checked++;
    }
  }
  expect(checked).toBeGreaterThan(60);
});

test('an image dropped on the import area is downsampled and mapped to the value range', async ({ app }) => {
  const x = app.getByRole('group', { name: 'Import image as X' });
  await x.getByRole('spinbutton', { name: 'Value for black' }).fill('-1');
  await x.getByRole('spinbutton', { name: 'Value for white' }).fill('1');
  // A 600×400 photo-sized PNG: left half black, right half white.
  const drop = await app.evaluateHandle(async () => {
    const canvas = new OffscreenCanvas(600, 400);
    const ctx = canvas.getContext('2d')!;
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, 300, 400);
    ctx.fillStyle = '#fff';
    ctx.fillRect(300, 0, 300, 400);
    const blob = await canvas.convertToBlob({ type: 'image/png' });
    const data = new DataTransfer();
    data.items.add(new File([blob], 'photo.png', { type: 'image/png' }));
    return data;
  });
  await x.dispatchEvent('drop', { dataTransfer: drop });
  await expect(x.getByText('Imported photo.png as 43×64')).toBeVisible();
  // 43×64 = 2752 cells: drawn on the canvas with one virtual gridcell; read the corners by keyboard.
  await expect(grid(app, 'Input X').getByRole('gridcell')).toHaveCount(1);
  await grid(app, 'Input X').focus();
  await app.keyboard.press('Home');
  await expect(grid(app, 'Input X').getByRole('gridcell')).toHaveAccessibleName('row 1, column 1, value -1');
  await app.keyboard.press('End');
  await expect(grid(app, 'Input X').getByRole('gridcell')).toHaveAccessibleName('row 1, column 64, value 1');
  // JPEG and WebP come in the same way (file type from the File, as a file dialog or a drop gives it).
  for (const [type, ext] of [
    ['image/jpeg', 'jpg'],
    ['image/webp', 'webp'],
  ]) {
    const data = await app.evaluateHandle(
      async ([type, ext]) => {
        const canvas = new OffscreenCanvas(8, 6);
        const ctx = canvas.getContext('2d')!;
        ctx.fillStyle = '#fff';
        ctx.fillRect(0, 0, 8, 6);
        const blob = await canvas.convertToBlob({ type });
        const transfer = new DataTransfer();
        transfer.items.add(new File([blob], `small.${ext}`, { type }));
        return transfer;
      },
      [type, ext],
    );
    await x.dispatchEvent('drop', { dataTransfer: data });
    await expect(x.getByText(`Imported small.${ext} as 6×8`)).toBeVisible();
    await expectGrid(
      app,
      'Input X',
      Array.from({ length: 6 }, () => Array(8).fill(1)),
    );
  }
});

test('undo history outlives tab switches; dropped and imported kernels are undoable edits', async ({
  app,
}) => {
  const k0 = await readGrid(app, 'Kernel K');
  await typeCell(app, 'Kernel K', 1, 1, '5');
  await expectGrid(app, 'Kernel K', [[5, k0[0][1]]]);
  // Explore → Train → Explore used to re-create the session and lose this history.
  await app.getByRole('tab', { name: 'Train' }).click();
  await app.getByRole('tab', { name: 'Explore' }).click();
  await app.locator('body').click({ position: { x: 2, y: 2 } });
  await app.keyboard.press('Control+z');
  await expectGrid(app, 'Kernel K', k0);
  await app.keyboard.press('Control+Shift+z');
  await expectGrid(app, 'Kernel K', [[5, k0[0][1]]]);

  // A kernel file dropped on the window replaces K as one undoable edit.
  await app.evaluate(() => {
    const data = new DataTransfer();
    data.items.add(new File(['1,2\n3,4\n'], 'k.csv'));
    window.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
  });
  await expectGrid(app, 'Kernel K', [
    [1, 2],
    [3, 4],
  ]);
  // Undo works from the Train tab too (the command registry, not a view, owns it).
  await app.getByRole('tab', { name: 'Train' }).click();
  await app.keyboard.press('Control+z');
  await app.getByRole('tab', { name: 'Explore' }).click();
  await expectGrid(app, 'Kernel K', [[5, k0[0][1]]]);
});

test('a preset edited afterwards is marked modified and its note no longer claims what is false', async ({
  app,
}) => {
  const button = app.getByRole('button', { name: /^Transposed image/ });
  const note = app.getByRole('note', { name: 'About this preset' });
  await button.click();
  await expect(note).toContainText('Y is all zeros');
  await expect(button).toHaveText('Transposed image');

  await typeCell(app, 'Input X', 1, 1, '5');
  await expect.poll(async () => (await readGrid(app, 'Output Y')).flat().some((v) => v !== 0)).toBe(true);
  await expect(note).not.toContainText('Y is all zeros');
  await expect(note).toContainText('modified');
  await expect(note).toContainText('X or K changed since this preset was applied');
  await expect(button).toHaveAttribute('aria-pressed', 'true');
  await expect(button).toHaveText('Transposed image · modified');

  // Undo brings back the preset's own X: the note holds again.
  await app.getByRole('button', { name: 'Undo', exact: true }).click();
  await expect(note).toContainText('Y is all zeros');
  await typeCell(app, 'Kernel K', 1, 1, '3');
  await expect(note).toContainText('modified');
  await note.getByRole('button', { name: 'Apply again' }).click();
  await expect(note).toContainText('Y is all zeros');
  await expect.poll(async () => (await readGrid(app, 'Output Y')).flat().every((v) => v === 0)).toBe(true);

  // The direction slider is the preset's own control: K changes, the preset is not modified.
  await app.getByRole('button', { name: /^Edge in direction v/ }).click();
  await app.getByRole('slider', { name: /^Direction θ/ }).press('Home');
  await expect(app.getByRole('note', { name: 'About this preset' })).not.toContainText('modified');
});

test('the image import button shows its whole text and opens the file chooser', async ({ app }) => {
  const box = app.getByRole('group', { name: 'Import image as X' });
  const button = box.getByRole('button', { name: 'Choose an image…' });
  await expect(button).toBeVisible();
  const fits = await button.evaluate(
    (el) => el.scrollWidth <= el.clientWidth && el.scrollHeight <= el.clientHeight,
  );
  expect(fits).toBe(true);
  const inside = await box.evaluate((el) => {
    const outer = el.getBoundingClientRect();
    return [...el.querySelectorAll('button, label')].every(
      (c) => c.getBoundingClientRect().right <= outer.right,
    );
  });
  expect(inside).toBe(true);
  const [chooser] = await Promise.all([app.waitForEvent('filechooser'), button.click()]);
  expect(chooser.isMultiple()).toBe(false);
});

test('a 256-wide image fits its panel in both Explore views', async ({ app }) => {
  await app.setViewportSize({ width: 1280, height: 800 });
  await setSize(panel(app, 'Input X'), 8, 256);
  const within = async (name: string) => {
    const outer = (await panel(app, name).boundingBox())!;
    const inner = (await grid(app, name).boundingBox())!;
    expect(inner.width).toBeGreaterThan(64);
    expect(inner.x).toBeGreaterThanOrEqual(outer.x);
    expect(inner.x + inner.width).toBeLessThanOrEqual(outer.x + outer.width);
  };
  await within('Input X');
  await app.getByRole('tab', { name: 'Channels, padding and stride' }).click();
  await within('X channel 1');
});
