import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { answerNextPrompt } from './dialogs';
import { expect, test } from './fixtures';
import { expectGrid, grid, panel, readGrid, setSize, typeCell } from './grid';
import { PNG } from './png';

async function typeGrid(app: Page, name: string, values: number[][]): Promise<void> {
  for (let r = 0; r < values.length; r++)
    for (let c = 0; c < values[r].length; c++) await typeCell(app, name, r + 1, c + 1, String(values[r][c]));
  await expectGrid(app, name, values);
}

async function setNumber(app: Page, name: string, value: number): Promise<void> {
  const field = app.getByRole('spinbutton', { name, exact: true });
  await field.fill(String(value));
  await field.press('Tab');
}

/** Explore's two views: X, K and Y side by side, or the layer's channels and geometry. */
async function view(app: Page, name: 'X, K and Y' | 'Channels, padding and stride'): Promise<void> {
  await app.getByRole('tab', { name, exact: true }).click();
  await expect(app.getByRole('tab', { name, exact: true })).toHaveAttribute('aria-selected', 'true');
}

/** PyTorch's output length, written out here on its own so the app's formula is checked, not reused. */
const outLen = (n: number, k: number, s: number, p: number, d: number) =>
  Math.floor((n + 2 * p - d * (k - 1) - 1) / s) + 1;

test("d2l's 2-channel example built by hand gives [[56, 72], [104, 120]]", async ({ app }) => {
  await setSize(panel(app, 'Input X'), 3, 3);
  await setSize(panel(app, 'Kernel K'), 2, 2);
  await view(app, 'Channels, padding and stride');
  await app.getByRole('button', { name: 'Add input channel' }).click();
  await expect(grid(app, 'X channel 2')).toBeVisible();
  await typeGrid(app, 'X channel 1', [
    [0, 1, 2],
    [3, 4, 5],
    [6, 7, 8],
  ]);
  await typeGrid(app, 'X channel 2', [
    [1, 2, 3],
    [4, 5, 6],
    [7, 8, 9],
  ]);
  await typeGrid(app, 'K output 1 input 1', [
    [0, 1],
    [2, 3],
  ]);
  await typeGrid(app, 'K output 1 input 2', [
    [1, 2],
    [3, 4],
  ]);
  await expect(app.getByRole('status', { name: 'Layer output shape' })).toHaveText('X 2×3×3 → Y 1×2×2');
  await expectGrid(app, 'Y channel 1', [
    [56, 72],
    [104, 120],
  ]);

  // A second output channel (K + 1 on both inputs, as d2l stacks K, K+1, K+2).
  await app.getByRole('button', { name: 'Add output channel' }).click();
  await typeGrid(app, 'K output 2 input 1', [
    [1, 2],
    [3, 4],
  ]);
  await typeGrid(app, 'K output 2 input 2', [
    [2, 3],
    [4, 5],
  ]);
  await expectGrid(app, 'Y channel 2', [
    [76, 100],
    [148, 172],
  ]);
  await expectGrid(app, 'Y channel 1', [
    [56, 72],
    [104, 120],
  ]);

  // Undo takes back the last typed value of the second output's kernel.
  await app.getByRole('button', { name: 'Undo' }).click();
  await expectGrid(app, 'K output 2 input 2', [
    [2, 3],
    [4, 0],
  ]);

  // d2l's stacked example as a preset: the third output channel is K + 2's.
  await app.getByRole('button', { name: 'K, K+1, K+2: 3 outputs' }).click();
  await expectGrid(app, 'Y channel 3', [
    [96, 128],
    [192, 224],
  ]);
});

test("stride 2 and padding 1 change the output shape to PyTorch's formula", async ({ app }) => {
  // The default document: X 6×8, K 1×2.
  await view(app, 'Channels, padding and stride');
  const shape = app.getByRole('status', { name: 'Layer output shape' });
  await expect(shape).toHaveText('X 1×6×8 → Y 1×6×7');
  await setNumber(app, 'Stride rows', 2);
  await setNumber(app, 'Stride columns', 2);
  await setNumber(app, 'Padding rows', 1);
  await setNumber(app, 'Padding columns', 1);
  const [oh, ow] = [outLen(6, 1, 2, 1, 1), outLen(8, 2, 2, 1, 1)];
  expect([oh, ow]).toEqual([4, 5]);
  await expect(shape).toHaveText(`X 1×6×8 → Y 1×${oh}×${ow}`);
  await expect(grid(app, 'Y channel 1').getByRole('gridcell')).toHaveCount(oh * ow);

  // Dilation 3 on the columns: the dilated 1×4 window.
  await setNumber(app, 'Dilation columns', 3);
  await expect(shape).toHaveText(`X 1×6×8 → Y 1×${oh}×${outLen(8, 2, 2, 1, 3)}`);
  // "Same" padding is refused for the even kernel and keeps H×W for an odd one.
  await expect(app.getByRole('button', { name: 'Same padding' })).toBeDisabled();
  await setNumber(app, 'Dilation columns', 1);
  await view(app, 'X, K and Y');
  await setSize(panel(app, 'Kernel K'), 3, 3);
  await view(app, 'Channels, padding and stride');
  await app.getByRole('button', { name: 'Same padding' }).click();
  await expect(shape).toHaveText('X 1×6×8 → Y 1×6×8');
  await expect(app.getByRole('spinbutton', { name: 'Padding rows', exact: true })).toHaveValue('1');
});

/** The colour X's canvas paints cell (row, col), 1-based. */
async function xColour(app: Page, row: number, col: number): Promise<number[]> {
  const target = grid(app, 'Input X').getByRole('gridcell', {
    name: new RegExp(`^row ${row}, column ${col},`),
  });
  const box = (await target.boundingBox())!;
  return grid(app, 'Input X')
    .locator('canvas')
    .evaluate(
      (canvas: HTMLCanvasElement, at) => {
        const r = canvas.getBoundingClientRect();
        const scale = canvas.width / r.width;
        const [red, green, blue] = canvas
          .getContext('2d')!
          .getImageData(Math.floor((at.x - r.left) * scale), Math.floor((at.y - r.top) * scale), 1, 1).data;
        return [red, green, blue];
      },
      // Off the centre, where the value is written; clear of the grid lines.
      { x: box.x + box.width * 0.25, y: box.y + box.height * 0.25 },
    );
}

test('a colour PNG imports as 3 channels R, G, B by default and shows in colour; grey when asked', async ({
  app,
}) => {
  // 2×3 opaque pixels: red, green, blue / white, black, grey 51.
  const pixels = [
    [255, 0, 0],
    [0, 255, 0],
    [0, 0, 255],
    [255, 255, 255],
    [0, 0, 0],
    [51, 51, 51],
  ];
  const png = new PNG({ width: 3, height: 2 });
  pixels.forEach((p, i) => png.data.set([...p, 255], i * 4));
  const dir = mkdtempSync(join(tmpdir(), 'ks-layer-'));
  try {
    const file = join(dir, 'rgb.png');
    writeFileSync(file, PNG.sync.write(png));
    const keep = app.getByRole('checkbox', { name: 'Keep colour (3 channels R, G, B)' });
    await expect(keep).toBeChecked();
    // Before: X in the diverging map.
    await expect(app.getByRole('combobox', { name: 'X colours' })).toHaveValue('diverging');
    await app.getByLabel('Image file (PNG, JPEG or WebP)').setInputFiles(file);
    await expect(app.getByText('Imported rgb.png as 2×3, 3 channels (R, G, B)')).toBeVisible();
    // X shows the image's own colours: red, green, blue, then white, black, grey 51.
    await expect(app.getByRole('combobox', { name: 'X colours' })).toHaveValue('rgb');
    for (let i = 0; i < pixels.length; i++)
      expect(await xColour(app, Math.floor(i / 3) + 1, (i % 3) + 1)).toEqual(pixels[i]);
    // The diverging map beside it: 1 is red there, 0 is (near) white, so the blue pixel reads pale.
    await app.getByRole('combobox', { name: 'X colours' }).selectOption('diverging');
    expect((await xColour(app, 1, 3))[2]).toBeGreaterThan(200);
    expect(await xColour(app, 1, 3)).not.toEqual(pixels[2]);

    await view(app, 'Channels, padding and stride');
    const channel = (ch: number) => [0, 1].map((r) => [0, 1, 2].map((c) => pixels[r * 3 + c][ch] / 255));
    for (const ch of [0, 1, 2]) {
      const got = await readGrid(app, `X channel ${ch + 1}`);
      got.forEach((row, r) => row.forEach((v, c) => expect(v).toBeCloseTo(channel(ch)[r][c], 3)));
    }
    await expect(app.getByRole('status', { name: 'Layer output shape' })).toHaveText('X 3×2×3 → Y 1×2×2');

    // Asked for grey: one channel, the image's luminance, shown in grey (white is white).
    await keep.uncheck();
    await app.getByLabel('Image file (PNG, JPEG or WebP)').setInputFiles(file);
    await expect(app.getByText('Imported rgb.png as 2×3', { exact: true })).toBeVisible();
    await expect(app.getByRole('status', { name: 'Layer output shape' })).toHaveText('X 1×2×3 → Y 1×2×2');
    await view(app, 'X, K and Y');
    await expect(app.getByRole('combobox', { name: 'X colours' })).toHaveValue('gray');
    expect(await xColour(app, 2, 1)).toEqual([255, 255, 255]);
    expect(await xColour(app, 2, 2)).toEqual([0, 0, 0]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('X, K and Y show the layer: the sum over channels, padding as ghost cells, the stride in the sliding window', async ({
  app,
}) => {
  await view(app, 'Channels, padding and stride');
  await app.getByRole('button', { name: '2 input channels (d2l)' }).click();
  await view(app, 'X, K and Y');
  const region = app.getByRole('region', { name: 'Sum of products' });
  await grid(app, 'Output Y')
    .getByRole('gridcell', { name: /^row 1, column 1,/ })
    .hover();
  await expect(region).toContainText(
    'X1: 0×0 + 1×1 + 3×2 + 4×3 = 19; X2: 1×1 + 2×2 + 4×3 + 5×4 = 37; 19 + 37 = 56',
  );

  await view(app, 'Channels, padding and stride');
  for (const name of ['Padding rows', 'Padding columns', 'Stride rows', 'Stride columns'])
    await setNumber(app, name, name.startsWith('Padding') ? 1 : 2);
  await view(app, 'X, K and Y');
  await expect(app.getByText('= 2 rows,')).toBeVisible();
  // The padding is drawn: X's first cell sits one cell in from the grid's edge on both axes.
  const x = await grid(app, 'Input X').boundingBox();
  const first = await grid(app, 'Input X')
    .getByRole('gridcell', { name: /^row 1, column 1,/ })
    .boundingBox();
  expect(first!.x - x!.x).toBeCloseTo(first!.width, 0);
  expect(first!.y - x!.y).toBeCloseTo(first!.height, 0);
  expect(x!.width).toBeCloseTo(5 * first!.width, 0);

  // The window steps by the stride and reads zeros in the padding.
  await app.mouse.move(0, 0);
  const anim = app.getByRole('group', { name: 'Sliding window' });
  await anim.getByRole('button', { name: 'Step' }).click();
  await expect(anim.getByText('1 / 4')).toBeVisible();
  await expect(region).toContainText(
    'Y at row 1, column 2: X1: pad×0 + pad×1 + 1×2 + 2×3 = 8; X2: pad×1 + pad×2 + 2×3 + 3×4 = 18; 8 + 18 = 26',
  );
  await anim.getByRole('slider', { name: 'Window position' }).press('Home');
  await expect(region).toContainText(
    'Y at row 1, column 1: X1: pad×0 + pad×1 + pad×2 + 0×3 = 0; X2: pad×1 + pad×2 + pad×3 + 1×4 = 4',
  );
  await anim.getByRole('button', { name: 'Show all' }).click();
  expect((await readGrid(app, 'Output Y'))[0]).toEqual([4, 26]);
  // The im2col product describes the single-channel valid layer only, and says so here.
  await app.getByText('Correlation as a matrix product').click();
  await expect(
    app.getByText("Shown for one channel with stride 1, no padding and dilation 1 (d2l's"),
  ).toBeVisible();
  await expect(app.getByRole('table')).toHaveCount(0);
});

/** The values of a read-only grid (a heatmap), read from its cells' accessible names. */
test("Export's Y and Ŷ images are the output channel the Train views show, named by it", async ({ app }) => {
  // d2l's 6×8 edge image; output 2's kernel is [[0.5, 0]], so its Y is half of X's first 7 columns.
  await view(app, 'Channels, padding and stride');
  await app.getByRole('button', { name: 'Add output channel' }).click();
  await typeCell(app, 'K output 2 input 1', 1, 1, '0.5');
  await app.getByRole('tab', { name: 'Train' }).click();
  await app.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(app.getByRole('status', { name: 'Training status' })).toHaveText('Done · step 10');
  await app.getByRole('combobox', { name: 'Output channel' }).selectOption({ label: '2' });

  await app.getByRole('button', { name: 'Export…' }).click();
  const picker = app.getByRole('combobox', { name: 'Output channel of Y and Ŷ' });
  await expect(picker).toHaveValue('1');
  const dir = mkdtempSync(join(tmpdir(), 'ks-export-output-'));
  try {
    const suggested: string[] = [];
    const save = async (button: string, name: string) => {
      app.once('dialog', (dialog) => void suggested.push(dialog.defaultValue()));
      answerNextPrompt(app, join(dir, name));
      await app.getByRole('button', { name: button, exact: true }).click();
      await expect(app.getByRole('status', { name: 'Status', exact: true })).toContainText(`Saved ${name}`);
    };
    await save('Y', 'y2.png');
    await save('Ŷ', 'yhat2.png');
    expect(suggested).toEqual(['y-output2.png', 'yhat-output2.png']);

    // Each cell is a square of pixels, grey from 0 (black) to 1 (white): Y[r][c] = 0.5·X[r][c].
    const x = [1, 1, 0, 0, 0, 0, 1, 1];
    const png = PNG.sync.read(readFileSync(join(dir, 'y2.png')));
    const side = png.width / 7;
    expect([png.width, png.height]).toEqual([7 * side, 6 * side]);
    for (let r = 0; r < 6; r++)
      for (let c = 0; c < 7; c++)
        expect(png.data[(r * side * png.width + c * side) * 4], `Y[${r}][${c}]`).toBe(
          Math.round(0.5 * x[c] * 255),
        );
    // Output 1 (X ⋆ [1, −1]) is another image.
    await picker.selectOption({ label: '1' });
    await save('Y', 'y1.png');
    expect(suggested[2]).toBe('y-output1.png');
    expect(readFileSync(join(dir, 'y1.png')).equals(readFileSync(join(dir, 'y2.png')))).toBe(false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

async function heatmapValues(app: Page, name: string): Promise<number[]> {
  const cells = app.getByRole('grid', { name, exact: true }).getByRole('gridcell');
  const labels = await cells.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
  return labels.map((l) => Number(/value (\S+)$/.exec(l)?.[1]));
}

/** A safetensors file's header: each tensor's dtype, shape and byte range; and the bytes after it. */
function safetensorsOf(bytes: Buffer): {
  header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  values: (name: string) => number[];
} {
  const headerLen = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + headerLen).toString('utf8')) as ReturnType<
    typeof safetensorsOf
  >['header'];
  const values = (name: string) => {
    const [from, to] = header[name].data_offsets;
    const body = bytes.subarray(8 + headerLen + from, 8 + headerLen + to);
    return Array.from(
      new Float32Array(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength)),
    );
  };
  return { header, values };
}

test('a layer learned from a colour PNG (3 channels in, 2 out) exports as .npy and a PyTorch Conv2d state dict', async ({
  app,
}) => {
  // 4×5 pixels of varied colour, so every channel carries something to learn from.
  const png = new PNG({ width: 5, height: 4 });
  for (let i = 0; i < 20; i++)
    png.data.set([(i * 53) % 256, (i * 97 + 40) % 256, (i * 31 + 200) % 256, 255], i * 4);
  const dir = mkdtempSync(join(tmpdir(), 'ks-layer-train-'));
  try {
    const file = join(dir, 'colour.png');
    writeFileSync(file, PNG.sync.write(png));
    await app.getByRole('checkbox', { name: 'Keep colour (3 channels R, G, B)' }).check();
    await app.getByLabel('Image file (PNG, JPEG or WebP)').setInputFiles(file);
    await expect(app.getByText('Imported colour.png as 4×5')).toBeVisible();
    await view(app, 'Channels, padding and stride');
    await app.getByRole('button', { name: 'Add output channel' }).click();
    // Output 2 gets a kernel of its own, so the two outputs differ.
    await typeCell(app, 'K output 2 input 1', 1, 1, '0.5');
    await expect(app.getByRole('status', { name: 'Layer output shape' })).toHaveText('X 3×4×5 → Y 2×4×4');

    await app.getByRole('tab', { name: 'Train' }).click();
    await app.getByLabel('Loss', { exact: true }).selectOption('mean');
    await app.getByRole('button', { name: 'Run', exact: true }).click();
    await expect(app.getByRole('status', { name: 'Training status' })).toHaveText('Done · step 10');

    // The learned layer as the Train view shows it: output 1, then output 2 (picked), each 3 kernels of 1×2.
    const shown: number[] = [];
    for (const o of [1, 2]) {
      if (o === 2) await app.getByRole('combobox', { name: 'Output channel' }).selectOption({ label: '2' });
      for (const c of [1, 2, 3]) {
        await expect(
          app.getByRole('grid', { name: `Learned kernel · output ${o}, input ${c}`, exact: true }),
        ).toBeVisible();
        const values = await heatmapValues(app, `Learned kernel · output ${o}, input ${c}`);
        expect(values).toHaveLength(2);
        shown.push(...values);
      }
      await expect(app.getByRole('grid', { name: `Output Ŷ · output ${o}`, exact: true })).toBeVisible();
    }
    expect(shown.some((v) => v !== 0)).toBe(true);
    // X's three input channels are shown read-only, each named by its input.
    for (const c of [1, 2, 3])
      await expect(app.getByRole('grid', { name: `Image X · input ${c}`, exact: true })).toBeVisible();

    await app.getByRole('button', { name: 'Export…' }).click();
    await expect(app.getByTestId('export-kernel')).toHaveText(/^2×3×1×2 \(out×in×kh×kw\), bias \[0, 0\]$/);
    const npyPath = join(dir, 'layer.npy');
    await app.getByRole('combobox', { name: 'Format' }).selectOption('npy');
    answerNextPrompt(app, npyPath);
    await app.getByRole('button', { name: 'Save file…' }).click();
    await expect(app.getByRole('status', { name: 'Status', exact: true })).toContainText('Saved layer.npy');
    const loaded = execFileSync(
      'python3',
      [
        '-c',
        'import json, sys, numpy as np; a = np.load(sys.argv[1]); print(json.dumps([list(a.shape), str(a.dtype), a.ravel().tolist()]))',
        npyPath,
      ],
      { encoding: 'utf8' },
    );
    const [shape, dtype, values] = JSON.parse(loaded) as [number[], string, number[]];
    expect(shape).toEqual([2, 3, 1, 2]);
    expect(dtype).toBe('float32');
    values.forEach((v, i) => expect(Math.abs(v - shown[i]), `weight ${i}`).toBeLessThanOrEqual(5e-4));

    const stPath = join(dir, 'layer.safetensors');
    await app.getByRole('combobox', { name: 'Format' }).selectOption('safetensors');
    answerNextPrompt(app, stPath);
    await app.getByRole('button', { name: 'Save file…' }).click();
    await expect(app.getByRole('status', { name: 'Status', exact: true })).toContainText(
      'Saved layer.safetensors',
    );
    const st = safetensorsOf(readFileSync(stPath));
    expect(st.header.weight).toMatchObject({ dtype: 'F32', shape: [2, 3, 1, 2] });
    expect(st.header.bias).toMatchObject({ dtype: 'F32', shape: [2] });
    expect(st.values('weight')).toEqual(values);
    expect(st.values('bias')).toEqual([0, 0]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
