/**
 * Issue 22, bug 1: a preset is a whole document state. What it does not name (stride, padding,
 * dilation, channels, biases) comes from the defaults, not from the previous document, and one
 * Undo takes it back whole.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { expectGrid, grid, panel } from './grid';

async function view(app: Page, name: 'X, K and Y' | 'Channels, padding and stride'): Promise<void> {
  await app.getByRole('tab', { name, exact: true }).click();
  await expect(app.getByRole('tab', { name, exact: true })).toHaveAttribute('aria-selected', 'true');
}

const layerPreset = (app: Page, name: string) =>
  app.getByRole('group', { name: "d2l's layer examples" }).getByRole('button', { name, exact: true });
const preset = (app: Page, name: string) =>
  app.getByRole('navigation', { name: 'Presets' }).getByRole('button', { name, exact: true });
const shape = (app: Page) => app.getByRole('status', { name: 'Layer output shape' });

test('"Stride 2" then "Sanity test" gives the Y its note gives, and Undo brings the stride back', async ({
  app,
}) => {
  await view(app, 'Channels, padding and stride');
  await layerPreset(app, 'Stride 2').click();
  await expect(shape(app)).toHaveText('X 1×8×8 → Y 1×4×4');
  await view(app, 'X, K and Y');
  await preset(app, 'Sanity test 3×3 ⋆ 2×2').click();
  await expect(app.getByRole('note', { name: 'About this preset' })).toContainText('[[19, 25], [37, 43]]');
  await expectGrid(app, 'Output Y', [
    [19, 25],
    [37, 43],
  ]);
  await app.getByRole('button', { name: 'Undo', exact: true }).click();
  await view(app, 'Channels, padding and stride');
  await expect(shape(app)).toHaveText('X 1×8×8 → Y 1×4×4');
});

test('"Stride (3, 4)" with an input and an output channel added, then "Vertical edges": one 6×7 Y', async ({
  app,
}) => {
  await view(app, 'Channels, padding and stride');
  await layerPreset(app, 'Stride (3, 4)').click();
  await app.getByRole('button', { name: 'Add input channel' }).click();
  await app.getByRole('button', { name: 'Add output channel' }).click();
  await expect(shape(app)).toHaveText('X 2×8×8 → Y 2×2×2');
  await view(app, 'X, K and Y');
  await preset(app, 'Vertical edges').click();
  await view(app, 'Channels, padding and stride');
  await expect(shape(app)).toHaveText('X 1×6×8 → Y 1×6×7');
  await expect(grid(app, 'X channel 2')).toHaveCount(0);
});

test('"Padding (2, 1), 5×3" then "Sobel x": no padding left, Y two smaller than X each way', async ({
  app,
}) => {
  await view(app, 'Channels, padding and stride');
  await layerPreset(app, 'Padding (2, 1), 5×3').click();
  await expect(shape(app)).toHaveText('X 1×8×8 → Y 1×8×8');
  await view(app, 'X, K and Y');
  await preset(app, 'Sobel x').click();
  await view(app, 'Channels, padding and stride');
  // The 8×8 X is kept (a classic kernel keeps a large X), the padding is not.
  await expect(shape(app)).toHaveText('X 1×8×8 → Y 1×6×6');
  await expect(app.getByRole('spinbutton', { name: 'Padding rows', exact: true })).toHaveValue('0');
});

test('X, K and Y name the channel they show and let the user pick it; every kernel editor has the tools (bug 5)', async ({
  app,
}) => {
  await view(app, 'Channels, padding and stride');
  await layerPreset(app, 'K, K+1, K+2: 3 outputs').click();
  // Every kernel editor of the layer has the same tools as K's (folded under "Tools", so the
  // layer fits the window).
  const k22 = app.getByRole('group', { name: 'K output 2 input 2', exact: true });
  await k22.getByText('Tools', { exact: true }).click();
  for (const tool of ['Clear', 'Random fill', 'Transpose', 'Flip horizontally', 'Flip vertically'])
    await expect(k22.getByRole('button', { name: tool, exact: true })).toBeVisible();
  await view(app, 'X, K and Y');
  const picker = app.getByRole('group', { name: 'Channel shown' });
  await expect(picker.getByRole('note')).toContainText('input channel 1 of 2 and output channel 1 of 3');
  await expectGrid(app, 'Output Y', [
    [56, 72],
    [104, 120],
  ]);
  await picker.getByRole('combobox', { name: 'Input channel shown' }).selectOption('2');
  await picker.getByRole('combobox', { name: 'Output channel shown' }).selectOption('2');
  await expect(picker.getByRole('note')).toContainText('K is K[2][2]');
  await expectGrid(app, 'Input X', [
    [1, 2, 3],
    [4, 5, 6],
    [7, 8, 9],
  ]);
  await expectGrid(app, 'Kernel K', [
    [2, 3],
    [4, 5],
  ]);
  await expectGrid(app, 'Output Y', [
    [76, 100],
    [148, 172],
  ]);
  // An edit of the K shown is an edit of K[2][2].
  await panel(app, 'Kernel K').getByRole('button', { name: 'Clear', exact: true }).click();
  await view(app, 'Channels, padding and stride');
  await expectGrid(app, 'K output 2 input 2', [
    [0, 0],
    [0, 0],
  ]);
  await expectGrid(app, 'K output 2 input 1', [
    [1, 2],
    [3, 4],
  ]);
});
