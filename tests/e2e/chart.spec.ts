import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

/** The loss axis' tick labels as the chart draws them (its accessible description). */
async function lossTicks(page: Page): Promise<string[]> {
  const chart = page.getByRole('img', { name: 'Loss per step' });
  await expect(chart).toHaveAccessibleDescription(/^Loss axis: \S/);
  const description = await chart.evaluate(
    (el) => document.getElementById(el.getAttribute('aria-describedby') ?? '')?.textContent ?? '',
  );
  return description.replace(/^Loss axis: /, '').split(', ');
}

test('huge losses get compact axis ticks (1e26, 5.4e6: one style an axis) in the main chart and the pop-out, linear and log', async ({
  app,
}) => {
  // The sanity preset with a 2×2 learned kernel at lr 0.03 blows up to ~1e26 within 10 steps.
  await app.getByRole('button', { name: /^Sanity test/ }).click();
  await app.getByRole('tab', { name: 'Train' }).click();
  // (the preset learns a 2×2 kernel at an lr that converges; d2l's 0.03 is set back here)
  for (const [field, value] of [
    ['Kernel rows', '2'],
    ['Kernel columns', '2'],
    ['Learning rate', '0.03'],
  ]) {
    await app.getByLabel(field, { exact: true }).fill(value);
    await app.getByLabel(field, { exact: true }).blur();
  }
  for (let i = 0; i < 10; i++) await app.getByRole('button', { name: 'Step', exact: true }).click();
  await expect(app.getByRole('status', { name: 'Training status' })).toContainText('step 10');

  // The pop-out chart of this document (it follows its window's runs only).
  const [popout] = await Promise.all([
    app.context().waitForEvent('page'),
    app.getByRole('button', { name: 'Open chart in a window' }).click(),
  ]);
  await popout.waitForLoadState();
  const pages: Page[] = [app, popout];
  for (const page of pages)
    for (const log of [false, true]) {
      await page.getByRole('checkbox', { name: 'Log scale' }).setChecked(log);
      const ticks = await lossTicks(page);
      // Every label fits the 60 px axis: a few characters, never a run of zeros or thousands separators.
      for (const t of ticks) expect(t, ticks.join(' ')).toMatch(/^-?\d+(\.\d+)?([kMG]|e-?\d+)?$/);
      expect(Math.max(...ticks.map((t) => t.length)), ticks.join(' ')).toBeLessThanOrEqual(7);
      expect(
        ticks.some((t) => /e2\d$/.test(t)),
        ticks.join(' '),
      ).toBe(true);
      // One style for the whole axis: no "100, 1G, 1e16" mix of suffixes and exponents.
      expect(
        ticks.filter((t) => /[kMG]$/.test(t)),
        ticks.join(' '),
      ).toEqual([]);
    }
});
