/** The layer explained: the flow of any output channel, its hovered sums, the dilation preset (English and 中文). */
import { zh } from '../../renderer/src/i18n/zh';
import { expect, test } from './fixtures';
import { expectGrid, grid, readGrid } from './grid';

test('the flow of output channel o: X_c ⋆ K_o,c, their sum, + b, into Y_o; hovering Y_o writes its sum', async ({
  app,
}) => {
  await app.getByRole('tab', { name: 'Channels, padding and stride', exact: true }).click();
  await app.getByRole('button', { name: '2 input channels (d2l)' }).click();
  const flow = app.getByRole('region', { name: 'Flow of output channel 1' });
  await expectGrid(app, 'X1 ⋆ K1,1', [
    [19, 25],
    [37, 43],
  ]);
  await expectGrid(app, 'X2 ⋆ K1,2', [
    [37, 47],
    [67, 77],
  ]);
  await expectGrid(app, 'Σ over inputs (output 1)', [
    [56, 72],
    [104, 120],
  ]);
  await expect(flow.getByText('+ b1 = 0')).toBeVisible();

  await app.getByRole('button', { name: 'K, K+1, K+2: 3 outputs' }).click();
  await app.getByRole('combobox', { name: 'Output channel' }).selectOption({ label: '3' });
  await expect(app.getByRole('region', { name: 'Flow of output channel 3' })).toBeVisible();
  await expectGrid(app, 'Y3 from the flow', [
    [96, 128],
    [192, 224],
  ]);
  await grid(app, 'Y3 from the flow')
    .getByRole('gridcell', { name: /^row 1, column 1,/ })
    .hover();
  await expect(app.getByRole('region', { name: 'Sum of products' })).toContainText('= 96');
});

test('the 1×1 convolution as a matrix product: W (2×3) · X as 3×9 = Y as 2×9, Y’s channels flattened', async ({
  app,
}) => {
  await app.getByRole('tab', { name: 'Channels, padding and stride', exact: true }).click();
  await app.getByRole('button', { name: '1×1 convolution' }).click();
  await expect(app.getByRole('region', { name: 'The 1×1 convolution as a matrix product' })).toBeVisible();
  await expectGrid(app, 'W (2×3)', [
    [1, 0, -1],
    [0.5, 0.5, 0],
  ]);
  const y = await readGrid(app, 'Y as 2×9');
  expect(y).toEqual([
    (await readGrid(app, 'Y channel 1')).flat(),
    (await readGrid(app, 'Y channel 2')).flat(),
  ]);
  expect(y[1]).toEqual([0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5]);
});

test('a dilation preset: a 3×3 kernel with dilation 2 turns 8×8 into 4×4', async ({ app }) => {
  await app.getByRole('tab', { name: 'Channels, padding and stride', exact: true }).click();
  await app.getByRole('button', { name: 'Dilation 2, 3×3' }).click();
  await expect(app.getByRole('status', { name: 'Layer output shape' })).toHaveText('X 1×8×8 → Y 1×4×4');
  await expect(app.getByRole('spinbutton', { name: 'Dilation rows' })).toHaveValue('2');
});

test('中文: the flow follows the language switch', async ({ app }) => {
  await app.getByRole('combobox', { name: 'Language' }).selectOption('zh');
  await app.getByRole('tab', { name: zh['layer.label'], exact: true }).click();
  await expect(app.getByRole('region', { name: '输出通道 1 的计算流程' })).toBeVisible();
  await expect(app.getByRole('combobox', { name: '输出通道' })).toBeVisible();
});
