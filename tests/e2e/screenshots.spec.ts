import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { setSize } from './grid';

/**
 * The Explore view's layout at two window sizes, light and dark: X, K and Y side by
 * side, the panels filling the window's height, nothing off-screen. Every run saves the
 * screenshots under test-results/; with UPDATE_SCREENSHOTS=1 they also replace the
 * README's pictures in docs/ (docs/screenshot.png is the 1280×800 light one).
 */
const docs = resolve(import.meta.dirname, '../../docs');
const update = process.env.UPDATE_SCREENSHOTS === '1';

async function box(app: Page, role: 'grid' | 'group' | 'status', name: string) {
  const locator = app.getByRole(role, { name, exact: true });
  await expect(locator).toBeVisible();
  const b = await locator.boundingBox();
  expect(b, `${role} "${name}" is laid out`).not.toBeNull();
  return b!;
}

for (const [width, height] of [
  [1280, 800],
  [1920, 1080],
] as const) {
  for (const scheme of ['light', 'dark'] as const) {
    test(`Explore at ${width}×${height}, ${scheme}: X, K and Y side by side, filling the window`, async ({
      app,
    }, info) => {
      await app.emulateMedia({ colorScheme: scheme });
      await app.setViewportSize({ width, height });
      await app.getByRole('button', { name: 'Vertical edges' }).click();
      const y = app.getByRole('grid', { name: 'Output Y' });
      await y.getByRole('gridcell', { name: /^row 2, column 2,/ }).hover();
      await expect(app.getByRole('region', { name: 'Sum of products' })).toContainText('1×1 + 0×(-1) = 1');

      const x = await box(app, 'group', 'Input X');
      const k = await box(app, 'group', 'Kernel K');
      const out = await box(app, 'group', 'Output Y');
      // Side by side, left to right, in one band.
      expect(x.x + x.width).toBeLessThanOrEqual(k.x);
      expect(k.x + k.width).toBeLessThanOrEqual(out.x);
      expect(Math.abs(x.y - k.y)).toBeLessThan(4);
      expect(Math.abs(x.y + x.height - (out.y + out.height))).toBeLessThan(4);
      // Inside the window, and using its height: the panels reach down to near the status bar.
      const status = await box(app, 'status', 'Status');
      expect(status.y + status.height).toBeCloseTo(height, 0);
      expect(out.x + out.width).toBeLessThanOrEqual(width);
      expect(x.y + x.height).toBeGreaterThan(status.y - 110);
      expect(x.height).toBeGreaterThan(height * 0.55);
      expect(await app.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
      // The grids themselves grow with the window rather than staying thumbnail-sized.
      const gx = await box(app, 'grid', 'Input X');
      expect(gx.width).toBeGreaterThan(x.width * 0.5);

      const name = `screenshot-explore-${width}x${height}-${scheme}.png`;
      const shot = await app.screenshot({ path: info.outputPath(name) });
      if (update) {
        mkdirSync(docs, { recursive: true });
        await app.screenshot({ path: resolve(docs, name) });
        if (width === 1280 && scheme === 'light')
          await app.screenshot({ path: resolve(docs, 'screenshot.png') });
      }
      expect(shot.length).toBeGreaterThan(10_000);
    });
  }
}

for (const scheme of ['light', 'dark'] as const) {
  test(`Explore's layer tab at 1280×800, ${scheme}: channels, geometry and outputs, nothing off-screen`, async ({
    app,
  }, info) => {
    await app.emulateMedia({ colorScheme: scheme });
    await app.setViewportSize({ width: 1280, height: 800 });
    await app.getByRole('tab', { name: 'Channels, padding and stride' }).click();
    await app.getByRole('button', { name: 'K, K+1, K+2: 3 outputs' }).click();
    await expect(app.getByRole('status', { name: 'Layer output shape' })).toHaveText('X 2×3×3 → Y 3×2×2');
    // The stacks are laid out side by side and inside the window.
    for (const name of ['X channel 2', 'K output 3 input 2', 'Y channel 3'])
      expect((await box(app, 'grid', name)).x).toBeGreaterThanOrEqual(0);
    expect(await app.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);
    const name = `screenshot-explore-layer-1280x800-${scheme}.png`;
    await app.screenshot({ path: info.outputPath(name) });
    if (update) await app.screenshot({ path: resolve(docs, name) });
  });

  test(`Train at 1280×800, ${scheme}: after a run, the learned kernel is a named grid`, async ({
    app,
  }, info) => {
    await app.emulateMedia({ colorScheme: scheme });
    await app.setViewportSize({ width: 1280, height: 800 });
    await app.getByRole('tab', { name: 'Train' }).click();
    await app.getByRole('button', { name: 'Run', exact: true }).click();
    await expect(app.getByRole('status', { name: 'Training status' })).toHaveText(/^Done/);
    await expect(app.getByRole('grid', { name: 'Learned kernel', exact: true })).toBeVisible();
    const name = `screenshot-train-1280x800-${scheme}.png`;
    await app.screenshot({ path: info.outputPath(name) });
    if (update) await app.screenshot({ path: resolve(docs, name) });
  });
}

for (const [what, side] of [
  ['the d2l default', 0],
  ['a 32×32 X', 32],
] as const) {
  test(`Train at 1280×800 with ${what}: the loss chart is visible without scrolling, X shown read-only`, async ({
    app,
  }) => {
    await app.setViewportSize({ width: 1280, height: 800 });
    if (side) await setSize(app.getByRole('group', { name: 'Input X', exact: true }), side, side);
    await app.getByRole('tab', { name: 'Train' }).click();
    await app.getByRole('button', { name: 'Run', exact: true }).click();
    await expect(app.getByRole('status', { name: 'Training status' })).toHaveText(/^(Done|Loss growing)/);
    const chart = app.getByTestId('loss-chart');
    await expect(chart).toBeVisible();
    const top = (await chart.boundingBox())!.y;
    expect(await app.evaluate(() => document.scrollingElement?.scrollTop ?? 0)).toBe(0);
    expect(top, 'the chart starts inside the 800 px window').toBeLessThan(800 - 120);
    // X is shown in Train, read-only, at its real size.
    const x = app.getByRole('grid', { name: 'Image X', exact: true });
    await expect(x).toBeVisible();
    await expect(x).toHaveAttribute('aria-readonly', 'true');
    await expect(x).toHaveAttribute('aria-rowcount', String(side || 6));
    if (side) {
      // A large Y is a heatmap: its number shows on hover.
      const y = app.getByRole('grid', { name: 'Target Y', exact: true });
      const b = (await y.boundingBox())!;
      expect(b.height).toBeLessThan(260);
      await y.hover({ position: { x: 2, y: 2 } });
      await expect(app.getByTestId('heatmap-readout-Target Y')).toHaveText(/^row 1, column 1: -?\d/);
    }
  });
}

// lessons
for (const scheme of ['light', 'dark'] as const) {
  test(`Lessons at 1280×800, ${scheme}: the panel beside the view, a step's text and the book's numbers, nothing off-screen`, async ({
    app,
  }, info) => {
    await app.emulateMedia({ colorScheme: scheme });
    await app.setViewportSize({ width: 1280, height: 800 });
    await app.getByRole('button', { name: 'Lessons', exact: true }).click();
    const panel = app.getByRole('complementary', { name: 'Lessons' });
    await panel.getByRole('button', { name: 'Several input channels' }).click();
    await expect(app.getByRole('region', { name: 'Sum of products' })).toContainText('19 + 37 = 56');
    const lessons = await panel.boundingBox();
    const out = await box(app, 'group', 'Output Y');
    // The panel sits right of the view, inside the window; the view is not covered.
    expect(out.x + out.width).toBeLessThanOrEqual(lessons!.x);
    expect(lessons!.x + lessons!.width).toBeLessThanOrEqual(1280);
    expect(await app.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);
    await expect(panel.getByText('Y = [[56, 72], [104, 120]]')).toBeInViewport();
    const name = `screenshot-lessons-1280x800-${scheme}.png`;
    await app.screenshot({ path: info.outputPath(name) });
    if (update) await app.screenshot({ path: resolve(docs, name) });
  });
}
