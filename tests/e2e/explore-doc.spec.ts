/** Issue 22's small Explore items: the sum-of-products box, and refusals that name their grid and go away. */
import { expect, test } from './fixtures';
import { cell, grid, panel } from './grid';

test('the sum of products keeps "= result" in view for a 3×3 kernel with decimals, and scrolls by keyboard', async ({
  app,
}) => {
  await app.getByRole('button', { name: /^Gaussian blur/ }).click();
  await cell(grid(app, 'Output Y'), 5, 5).hover();
  const region = app.getByRole('region', { name: 'Sum of products' });
  const result = region.getByText(/^= /);
  await expect(result).toBeVisible();
  const r = (await result.boundingBox())!;
  const box = (await region.boundingBox())!;
  expect(r.y + r.height).toBeLessThanOrEqual(box.y + box.height + 0.5);

  // A 5×5 blur's 25 terms overflow: the terms take focus and arrow keys scroll them.
  await app.getByRole('button', { name: /^Blur 5×5/ }).click();
  await cell(grid(app, 'Output Y'), 3, 3).hover();
  const terms = region.locator('.terms');
  await terms.focus();
  await expect(terms).toBeFocused();
  await app.keyboard.press('End');
  await expect.poll(() => terms.evaluate((e) => e.scrollTop)).toBeGreaterThan(0);
});

test('a refused size names its grid, and the refusal goes once the field is edited again', async ({
  app,
}) => {
  const k = panel(app, 'Kernel K');
  const rows = k.getByRole('spinbutton', { name: 'Rows', exact: true });
  await rows.fill('99');
  await rows.press('Enter');
  await expect(k.getByRole('alert')).toHaveText('Kernel K · Rows: enter a whole number from 1 to 31.');
  await expect(rows).toHaveValue('1');
  const x = panel(app, 'Input X');
  const xRows = x.getByRole('spinbutton', { name: 'Rows', exact: true });
  await xRows.fill('0');
  await xRows.press('Enter');
  await expect(x.getByRole('alert')).toContainText('Input X · Rows: enter a whole number from 1');
  // Typing again clears the refusal; a valid value keeps it cleared.
  await rows.fill('2');
  await expect(k.getByRole('alert')).toHaveCount(0);
  await rows.press('Enter');
  await expect(k.getByRole('alert')).toHaveCount(0);
});
