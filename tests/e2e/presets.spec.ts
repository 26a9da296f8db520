/**
 * Issue 22, bug 1: a preset is a whole document state. What it does not name (stride, padding,
 * dilation, channels, biases) comes from the defaults, not from the previous document, and one
 * Undo takes it back whole.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { expectGrid, grid } from './grid';

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
