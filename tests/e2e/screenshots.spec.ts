import { expect, test } from './fixtures';

// Run with: SCREENSHOTS=1 npx playwright test tests/e2e/screenshots.spec.ts
test.skip(!process.env.SCREENSHOTS, 'set SCREENSHOTS=1 to refresh docs/screenshot*.png');

test('screenshots of the Explore view', async ({ app }) => {
  await app.emulateMedia({ colorScheme: 'light' });
  await app.setViewportSize({ width: 1400, height: 1000 });
  await app.getByRole('button', { name: 'Vertical edges' }).click();
  await expect(app.getByRole('grid', { name: 'Output Y' })).toBeVisible();
  await app.screenshot({ path: 'docs/screenshot.png' });
  await app.getByRole('button', { name: /^Sanity test/ }).click();
  await app
    .getByRole('grid', { name: 'Output Y' })
    .getByRole('gridcell', { name: /^row 1, column 1,/ })
    .hover();
  await expect(app.getByRole('region', { name: 'Sum of products' })).toContainText('= 19');
  await app.screenshot({ path: 'docs/screenshot-explore.png' });
});
