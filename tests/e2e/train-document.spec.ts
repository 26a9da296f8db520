/**
 * Issue 22: Train reads the document's layer. Bug 4: its target Y is the layer's Y, biases
 * included. Bug 8: a K larger than X is refused in words, never with negative sizes.
 */
import { expect, test } from './fixtures';
import { panel, readGrid, setSize } from './grid';

test("Train's target Y is Explore's Y: bias b 2, convolution and ReLU (bug 4)", async ({ app }) => {
  await app.getByRole('spinbutton', { name: 'Bias b' }).fill('2');
  await app.getByRole('spinbutton', { name: 'Bias b' }).press('Tab');
  await app.getByRole('radio', { name: 'Convolution (flips K)' }).click();
  await app.getByRole('combobox', { name: 'Activation' }).selectOption('relu');
  await expect.poll(async () => (await readGrid(app, 'Output Y'))[0]).toEqual([2, 1, 2, 2, 2, 3, 2]);
  await app.getByRole('tab', { name: 'Train' }).click();
  await expect(app.getByTestId('shape-note')).toContainText(
    'Target Y from X ⋆ K (1×2) + the layer’s biases b is 6×7',
  );
  await app.getByRole('button', { name: 'Step', exact: true }).click();
  await expect.poll(async () => (await readGrid(app, 'Target Y'))[0]).toEqual([2, 1, 2, 2, 2, 3, 2]);
  // Train's own extra target bias is said on the screen.
  await app.getByRole('spinbutton', { name: 'Extra target bias' }).fill('1');
  await app.getByRole('spinbutton', { name: 'Extra target bias' }).press('Tab');
  await expect(app.getByTestId('shape-note')).toContainText(
    '+ 1 (Train’s extra target bias, not the layer’s)',
  );
});

test('a K larger than X: Train says why in words, with no negative size and no "Learn a 31×2 kernel" (bug 8)', async ({
  app,
}) => {
  await setSize(panel(app, 'Kernel K'), 31, 2);
  await app.getByRole('tab', { name: 'Train' }).click();
  const note = app.getByTestId('shape-note');
  await expect(note).toHaveText(
    'K (31×2) does not fit in X 6×8 padded by (0, 0): the layer has no output Y, so there is nothing to learn. Make K smaller or X larger in Explore.',
  );
  await expect(note).not.toContainText('-');
  await expect(app.getByRole('button', { name: /^Learn a 31×2 kernel/ })).toHaveCount(0);
});
