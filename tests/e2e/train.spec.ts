import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from '@playwright/test';
import { answerNextPrompt } from './dialogs';
import { expect, test, type AppServer } from './fixtures';

interface TrainGolden {
  init: { weight: number[][]; bias: number };
  lr: number;
  steps: number;
  use_bias: boolean;
  expected: { loss: number[]; weight: number[][] };
  tolerance: { rtol: number; atol: number };
}

const goldenFolder = resolve(import.meta.dirname, '../golden');
function golden(name: string): TrainGolden {
  return JSON.parse(readFileSync(join(goldenFolder, `${name}.json`), 'utf8')) as TrainGolden;
}

function expectClose(actual: readonly number[], expected: readonly number[], tol: TrainGolden['tolerance']) {
  expect(actual.length).toBeGreaterThanOrEqual(expected.length);
  expected.forEach((e, i) => {
    const err = Math.abs(actual[i] - e);
    expect(err, `loss of step ${i + 1}: ${actual[i]} vs ${e}`).toBeLessThanOrEqual(
      tol.atol + tol.rtol * Math.abs(e),
    );
  });
}

async function setField(app: Page, label: string, value: string): Promise<void> {
  const field = app.getByLabel(label, { exact: true });
  await field.fill(value);
  await field.blur();
}

async function useExplicitInit(app: Page, g: TrainGolden): Promise<void> {
  await app.getByLabel('Initial kernel', { exact: true }).selectOption('explicit');
  await setField(app, 'Initial values', g.init.weight.map((r) => r.join(' ')).join('; '));
  await setField(app, 'Initial bias', String(g.init.bias));
}

/** The values of a read-only grid, read from its cells' accessible names. */
async function gridValues(app: Page, name: string): Promise<number[]> {
  const cells = app.getByRole('grid', { name }).getByRole('gridcell');
  const labels = await cells.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
  return labels.map((l) => Number(/value (\S+)$/.exec(l)?.[1]));
}

async function runAndWait(app: Page, steps: number, status = 'Done'): Promise<void> {
  await app.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(app.getByRole('status', { name: 'Training status' })).toHaveText(
    status === 'Done' ? `Done · step ${steps}` : new RegExp(`^${status}`),
  );
}

/** The current run's id (shown in the run list) and its log file on disk once main has flushed it. */
async function runLogOnDisk(
  app: Page,
  server: AppServer,
  count: number,
): Promise<{ runId: string; losses: number[] }> {
  const runId = await app.locator('li[aria-current="true"]').getAttribute('data-run-id');
  expect(runId).toMatch(/^run-\d+-\d+-[0-9a-f]{8}$/);
  const file = join(server.dataDir, 'runs', `${runId}.jsonl`);
  const read = () =>
    existsSync(file)
      ? readFileSync(file, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as { step: number; loss: number })
      : [];
  await expect.poll(() => read().length).toBe(count);
  const points = read();
  expect(points.map((p) => p.step)).toEqual(Array.from({ length: count }, (_, i) => i + 1));
  return { runId: runId!, losses: points.map((p) => p.loss) };
}

for (const backend of ['cpu', 'webgpu'] as const) {
  test.describe(`Train view on ${backend}`, () => {
    test.beforeEach(async ({ app }) => {
      await app.getByRole('combobox', { name: 'Compute backend' }).selectOption(backend);
      const status = app.getByTestId('backend-status');
      // Forced WebGPU runs on SwiftShader here; the status bar must say it really is WebGPU.
      await expect(status).toContainText(backend === 'cpu' ? 'CPU' : 'WebGPU');
      await app.getByRole('tab', { name: 'Train' }).click();
    });

    test('learns [1, −1] from the d2l init, streams losses through main, and restores the chart', async ({
      app,
      server,
    }) => {
      const g = golden('learn_kernel_d2l');
      const appendCalls: string[] = [];
      app.on('request', (r) => {
        if (r.url().includes('/api/invoke/runs%3Aappend') || r.url().includes('/api/invoke/runs:append'))
          appendCalls.push(r.url());
      });
      await useExplicitInit(app, g);
      await setField(app, 'Steps', '30');
      await runAndWait(app, 30);

      const learned = await gridValues(app, 'Learned kernel');
      expect(learned).toHaveLength(2);
      expect(Math.abs(learned[0] - 1)).toBeLessThan(0.05);
      expect(Math.abs(learned[1] + 1)).toBeLessThan(0.05);

      // The log panel in d2l's words, every 2 steps.
      const log = app.getByRole('log', { name: 'Training log' });
      await expect(log.locator('div')).toHaveCount(15);
      await expect(log.locator('div').first()).toHaveText(/^batch 2, loss \d+\.\d+$/);

      // The chart (fed by main's broadcast) has one point per step.
      const current = app.locator('li[aria-current="true"]');
      await expect(current).toContainText('30 points');
      await expect(app.getByTestId('loss-chart').locator('canvas')).toHaveCount(1);

      // Main's handler logged every point to disk; they match PyTorch's trajectory.
      const { runId, losses } = await runLogOnDisk(app, server, 30);
      expectClose(losses, g.expected.loss, g.tolerance);
      // Batched: far fewer messages than steps.
      expect(appendCalls.length).toBeGreaterThanOrEqual(1);
      expect(appendCalls.length).toBeLessThan(30);

      // Hovering the chart reads out the step under the pointer and its loss (5 significant digits).
      const chart = app.getByTestId('loss-chart');
      const plotArea = chart.locator('.u-over');
      const box = (await plotArea.boundingBox())!;
      await plotArea.hover({ position: { x: box.width / 29, y: box.height / 2 } }); // step 2 of 1…30
      const legend = chart.locator('.u-legend .u-series');
      await expect(legend.nth(0).locator('.u-value')).toHaveText('2');
      await expect(legend.nth(1).locator('.u-value')).toHaveText(losses[1].toPrecision(5));
      // The log writes the loss as the chart does.
      await expect(log.locator('div').first()).toHaveText(`batch 2, loss ${losses[1].toPrecision(5)}`);

      // A reload is a new document (its runs are not shown to it) that offers the old one's
      // autosave: restored, its run is back in the chart.
      const autosaved = () => {
        const folder = join(server.dataDir, 'autosave');
        return existsSync(folder)
          ? readdirSync(folder).some((f) => readFileSync(join(folder, f), 'utf8').includes(`"${runId}"`))
          : false;
      };
      await expect.poll(autosaved).toBe(true);
      await app.reload();
      await app.getByRole('tab', { name: 'Train' }).click();
      await expect(app.locator('li[data-run-id]')).toHaveCount(0);
      await app.getByRole('status', { name: 'Restore' }).getByRole('button', { name: 'Restore' }).click();
      const restored = app.locator(`li[data-run-id="${runId}"]`);
      await expect(restored).toContainText('lr 0.03');
      await expect(restored).toContainText('30 points');
      await expect(app.getByTestId('loss-chart').locator('canvas')).toHaveCount(1);
    });

    test('learns with a bias as PyTorch does (lr 0.01, 20 steps)', async ({ app, server }) => {
      const g = golden('learn_kernel_bias');
      expect(g.use_bias).toBe(true);
      await app.getByLabel('Learn a bias', { exact: true }).check();
      await useExplicitInit(app, g);
      await setField(app, 'Learning rate', String(g.lr));
      await setField(app, 'Steps', String(g.steps));
      await runAndWait(app, g.steps);
      const { losses } = await runLogOnDisk(app, server, g.steps);
      expectClose(losses, g.expected.loss, g.tolerance);
      const learned = await gridValues(app, 'Learned kernel');
      g.expected.weight.flat().forEach((w, i) => expect(Math.abs(learned[i] - w)).toBeLessThan(2e-3));
      // Three trainable parameters: no landscape, and the view says why.
      await expect(app.getByTestId('landscape-hidden')).toContainText('exactly 2 trainable parameters');
    });

    test('a huge learning rate reports divergence and keeps a finite kernel', async ({ app }) => {
      await setField(app, 'Learning rate', '100');
      // Growth is caught first; going on anyway, the loss overflows.
      await runAndWait(app, 0, 'Loss growing');
      await runAndWait(app, 0, 'Diverged');
      const alert = app.getByRole('alert');
      // The status and the message agree: step N blew up, the kernel kept is step N − 1's, the status' step.
      const kept = Number(
        /step (\d+)/.exec((await app.getByRole('status', { name: 'Training status' }).textContent())!)![1],
      );
      await expect(alert).toContainText(
        new RegExp(`At step ${kept + 1} the loss (became|reached) \\S+[^]* from step ${kept}\\.`),
      );
      await expect(alert).toContainText('Lower the learning rate');
      const learned = await gridValues(app, 'Learned kernel');
      expect(learned).toHaveLength(2);
      for (const v of learned) expect(Number.isFinite(v)).toBe(true);
      await expect(app.getByTestId('landscape-limit')).toContainText('diverges');
    });

    test('the loss landscape renders for the 1×2 kernel with the descent path', async ({ app }) => {
      const landscape = app.getByTestId('loss-landscape');
      await expect(landscape).toBeVisible();
      const status = app.getByRole('status', { name: 'Training status' });
      await app.getByRole('button', { name: 'Step', exact: true }).click();
      await expect(status).toHaveText('Paused · step 1');
      await app.getByRole('button', { name: 'Step', exact: true }).click();
      await expect(status).toHaveText('Paused · step 2');
      await expect(landscape).toHaveAttribute('aria-label', /w₁ and w₂ .*\(2 steps\)/);
      const colours = await landscape.locator('canvas').evaluate((c: HTMLCanvasElement) => {
        const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        const seen = new Set<string>();
        for (let i = 0; i < d.length; i += 4 * 97) seen.add(`${d[i]},${d[i + 1]},${d[i + 2]}`);
        return seen.size;
      });
      expect(colours).toBeGreaterThan(20);
      // lr 0.03 sits just under 2/λmax = 1/30: SGD converges but zig-zags.
      await expect(app.getByTestId('landscape-limit')).toContainText('zig-zags');
    });
  });
}

test.describe('runs, files and windows of the Train tab', () => {
  let dir: string;
  test.beforeEach(async ({ app }) => {
    dir = mkdtempSync(join(tmpdir(), 'ks-train-e2e-'));
    await app.getByRole('combobox', { name: 'Compute backend' }).selectOption('cpu');
    await expect(app.getByTestId('backend-status')).toContainText('CPU');
    await app.getByRole('tab', { name: 'Train' }).click();
  });
  test.afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('a finished run is saved in the workspace and reopens with it', async ({ app, server }) => {
    await runAndWait(app, 10);
    const { runId, losses } = await runLogOnDisk(app, server, 10);
    const file = join(dir, 'trained.kstudio');
    answerNextPrompt(app, file);
    await app.getByRole('button', { name: 'Save As…' }).click();
    await expect(app).toHaveTitle('trained.kstudio — Kernel Studio');
    const saved = JSON.parse(readFileSync(file, 'utf8')) as {
      document: { learnedWeight: number[][][][] | null; learnedBias: number[] };
      runs: {
        id: string;
        label: string;
        settings: { lr: number };
        points: { step: number; loss: number }[];
      }[];
    };
    expect(saved.runs).toHaveLength(1);
    expect(saved.runs[0].id).toBe(runId);
    expect(saved.runs[0].label).toBe('Run 1 · lr 0.03 · sgd · sum · 1×2 · seed 0');
    expect(saved.runs[0].settings.lr).toBe(0.03);
    expect(saved.runs[0].points.map((p) => p.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(saved.runs[0].points.map((p) => p.loss)).toEqual(losses);
    const learned = await gridValues(app, 'Learned kernel');
    // The learned layer, O×C×kh×kw = 1×1×1×2, and its one bias (version 3).
    expect(saved.document.learnedWeight!.flat(3)).toEqual(learned.map((v) => expect.closeTo(v, 2)));
    expect(saved.document.learnedBias).toHaveLength(1);

    // New empties the chart; opening the file brings the run back, points and all.
    await app.getByRole('button', { name: 'New', exact: true }).click();
    await expect(app.locator('li[data-run-id]')).toHaveCount(0);
    answerNextPrompt(app, file);
    await app.getByRole('button', { name: 'Open…' }).click();
    await expect(app).toHaveTitle('trained.kstudio — Kernel Studio');
    const reopened = app.locator(`li[data-run-id="${runId}"]`);
    await expect(reopened).toContainText('10 points');
    await expect(reopened).toContainText('lr 0.03');
    // Removing the run is an unsaved change of the workspace.
    await app.getByRole('button', { name: /^Remove Run \d+ · / }).click();
    await expect(app).toHaveTitle('• trained.kstudio — Kernel Studio');
  });

  test('exports the loss chart as PNG, SVG and CSV through main', async ({ app, server }) => {
    await runAndWait(app, 10);
    const { runId, losses } = await runLogOnDisk(app, server, 10);
    const status = app.getByRole('status', { name: 'Chart export status' });

    const png = join(dir, 'chart.png');
    answerNextPrompt(app, png);
    await app.getByRole('button', { name: 'Save the loss chart as PNG…' }).click();
    await expect(status).toHaveText('Saved chart.png');
    const pngBytes = readFileSync(png);
    expect(pngBytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(pngBytes.subarray(12, 16).toString('latin1')).toBe('IHDR');
    expect(pngBytes.readUInt32BE(16)).toBe(760 * 2);

    const svg = join(dir, 'chart.svg');
    answerNextPrompt(app, svg);
    await app.getByRole('button', { name: 'Save the loss chart as SVG…' }).click();
    await expect(status).toHaveText('Saved chart.svg');
    const svgText = readFileSync(svg, 'utf8');
    expect(svgText).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    const polyline = /<polyline [^>]*points="([^"]+)"/.exec(svgText);
    expect(polyline![1].split(' ')).toHaveLength(10);
    expect(svgText).toContain('lr 0.03 · sgd');

    const csv = join(dir, 'chart.csv');
    answerNextPrompt(app, csv);
    await app.getByRole('button', { name: 'Save the loss chart as CSV…' }).click();
    await expect(status).toHaveText('Saved chart.csv');
    const rows = readFileSync(csv, 'utf8').trimEnd().split('\n');
    expect(rows[0]).toBe('step,loss,run,label');
    expect(rows.slice(1).map((r) => r.split(','))).toEqual(
      losses.map((loss, i) => [
        String(i + 1),
        String(loss),
        runId,
        'Run 1 · lr 0.03 · sgd · sum · 1×2 · seed 0',
      ]),
    );
  });

  test('the pop-out chart window streams a run live from main', async ({ app }) => {
    const [chart] = await Promise.all([
      app.context().waitForEvent('page'),
      app.getByRole('button', { name: 'Open chart in a window' }).click(),
    ]);
    await chart.waitForLoadState();
    await expect(chart).toHaveTitle('Loss chart — Kernel Studio');
    await expect(chart.getByTestId('loss-chart').locator('canvas')).toHaveCount(1);
    await setField(app, 'Steps', '40');
    await app.getByRole('combobox', { name: 'Speed' }).selectOption('slow');
    await app.getByRole('button', { name: 'Run', exact: true }).click();
    const runId = await app.locator('li[aria-current="true"]').getAttribute('data-run-id');
    const row = chart.locator(`li[data-run-id="${runId}"]`);
    // Live: the window shows points while the run is still going, then all of them.
    await expect(row).toContainText(/[1-9]\d* points/);
    await expect(app.getByRole('status', { name: 'Training status' })).toHaveText(/^Running/);
    await expect(row).toContainText('lr 0.03');
    await expect(app.getByRole('status', { name: 'Training status' })).toHaveText('Done · step 40', {
      timeout: 60_000,
    });
    await expect(row).toContainText('40 points');
    await chart.close();
  });

  test('runs belong to their document: tabs never see each other’s runs, a closed tab’s runs do not come back', async ({
    app,
    server,
  }) => {
    await setField(app, 'Learning rate', '100');
    await runAndWait(app, 0, 'Loss growing');
    const foreign = await app.locator('li[aria-current="true"]').getAttribute('data-run-id');
    await expect(app.locator('li[data-run-id]')).toHaveCount(1);

    // A second tab of the same app: its own document, its own runs, none of the first tab's.
    const open = async () => {
      const page = await app.context().newPage();
      await page.goto(server.url);
      const banner = page.getByRole('status', { name: 'Restore' });
      if (await banner.isVisible().catch(() => false))
        await page.getByRole('button', { name: 'Discard' }).click();
      await page.getByRole('combobox', { name: 'Compute backend' }).selectOption('cpu');
      await page.getByRole('tab', { name: 'Train' }).click();
      return page;
    };
    const second = await open();
    await expect(second.locator('li[data-run-id]')).toHaveCount(0);
    await runAndWait(second, 10);
    await expect(second.locator('li[data-run-id]')).toHaveCount(1);
    await expect(second.locator('li[data-run-id]')).toContainText('Run 1 ·');
    // The first tab keeps its own run only, even though main broadcast the second tab's points.
    await expect(app.locator('li[data-run-id]')).toHaveCount(1);
    await expect(app.locator(`li[data-run-id="${foreign}"]`)).toHaveCount(1);

    // Save the second tab's workspace: exactly the run its chart shows.
    const file = join(dir, 'second.kstudio');
    answerNextPrompt(second, file);
    await second.getByRole('button', { name: 'Save As…' }).click();
    await expect(second).toHaveTitle('second.kstudio — Kernel Studio');
    const shown = await second.locator('li[data-run-id]').getAttribute('data-run-id');
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { runs: { id: string }[] };
    expect(saved.runs.map((r) => r.id)).toEqual([shown]);

    // Close the first tab, open a new one: none of its runs come back, and opening the saved
    // workspace shows exactly its one run.
    await app.close();
    const third = await open();
    await expect(third.locator('li[data-run-id]')).toHaveCount(0);
    answerNextPrompt(third, file);
    await third.getByRole('button', { name: 'Open…' }).click();
    await expect(third).toHaveTitle('second.kstudio — Kernel Studio');
    await expect(third.locator('li[data-run-id]')).toHaveCount(1);
    await expect(third.locator(`li[data-run-id="${shown}"]`)).toHaveCount(1);
    await second.close();
    await third.close();
  });

  test('trains on a drawn/imported target Y', async ({ app }) => {
    await app.getByLabel('Target Y', { exact: true }).selectOption('drawn');
    const editor = app.getByRole('group', { name: 'Target Y (drawn)', exact: true });
    await expect(editor).toBeVisible();
    await expect(app.getByTestId('target-need')).toContainText('at least 6×7');
    // The opposite edge: Y = −(X ⋆ [1, −1]), so the kernel to learn is [−1, 1].
    const target = join(dir, 'y.csv');
    writeFileSync(target, Array.from({ length: 6 }, () => '0,-1,0,0,0,1,0').join('\n'));
    answerNextPrompt(app, target);
    await app.getByRole('button', { name: 'Import target Y…' }).click();
    await expect(app.getByRole('grid', { name: 'Target Y (drawn)', exact: true })).toBeVisible();
    await setField(app, 'Steps', '60');
    await runAndWait(app, 60);
    const learned = await gridValues(app, 'Learned kernel');
    expect(Math.abs(learned[0] + 1)).toBeLessThan(0.05);
    expect(Math.abs(learned[1] - 1)).toBeLessThan(0.05);
    // A target too small for the kernel says so.
    await app.getByLabel('Kernel columns', { exact: true }).fill('1');
    await app.getByLabel('Kernel columns', { exact: true }).blur();
    await expect(app.getByTestId('target-need')).toContainText('needs at least 6×8');
  });
});

test('switching the backend mid-run moves the run with Adam’s state and it goes on identically', async ({
  app,
  server,
}) => {
  const backend = app.getByRole('combobox', { name: 'Compute backend' });
  await backend.selectOption('webgpu');
  await expect(app.getByTestId('backend-status')).toContainText('WebGPU');
  await app.getByRole('tab', { name: 'Train' }).click();
  await app.getByLabel('Optimizer', { exact: true }).selectOption('adam');
  await setField(app, 'Learning rate', '0.1');
  await setField(app, 'Steps', '5');
  await runAndWait(app, 5);
  await backend.selectOption('cpu');
  await expect(app.getByTestId('backend-status')).toContainText('CPU');
  await app.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(app.getByRole('status', { name: 'Training status' })).toHaveText('Done · step 10');
  await expect(app.getByTestId('handover')).toContainText('at step 5');
  const moved = await runLogOnDisk(app, server, 10);

  // The same run all on the CPU, in two halves as well.
  await app.getByRole('button', { name: 'Reset', exact: true }).click();
  await runAndWait(app, 5);
  await app.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(app.getByRole('status', { name: 'Training status' })).toHaveText('Done · step 10');
  const cpu = await runLogOnDisk(app, server, 10);
  expect(cpu.runId).not.toBe(moved.runId);
  cpu.losses.forEach((loss, i) =>
    expect(Math.abs(moved.losses[i] - loss), `step ${i + 1}`).toBeLessThanOrEqual(
      1e-4 * Math.abs(loss) + 1e-6,
    ),
  );
});

test('a reopened workspace shows its learned kernel and step, and Run continues it exactly (Adam moments saved)', async ({
  app,
  server,
}) => {
  const dir = mkdtempSync(join(tmpdir(), 'ks-resume-e2e-'));
  try {
    await app.getByRole('combobox', { name: 'Compute backend' }).selectOption('cpu');
    await expect(app.getByTestId('backend-status')).toContainText('CPU');
    await app.getByRole('tab', { name: 'Train' }).click();
    await app.getByLabel('Optimizer', { exact: true }).selectOption('adam');
    await runAndWait(app, 10);
    const learned = await gridValues(app, 'Learned kernel');

    const workspace = join(dir, 'trained.kstudio');
    answerNextPrompt(app, workspace);
    await app.getByRole('button', { name: 'Save As…' }).click();
    await expect(app).toHaveTitle('trained.kstudio — Kernel Studio');
    await app.getByRole('button', { name: 'New' }).click();
    await expect(app.getByRole('status', { name: 'Training status' })).toHaveText('Ready · step 0');
    answerNextPrompt(app, workspace);
    await app.getByRole('button', { name: 'Open…' }).click();
    await expect(app).toHaveTitle('trained.kstudio — Kernel Studio');

    // On screen at once: the learned kernel and the step count, not "Press Step or Run".
    await expect(app.getByRole('status', { name: 'Training status' })).toHaveText('Paused · step 10');
    expect(await gridValues(app, 'Learned kernel')).toEqual(learned);
    await expect(app.getByText('Press Step or Run to start.')).toHaveCount(0);

    // Run continues the same run to step 20: its losses are those of 20 uninterrupted steps.
    await runAndWait(app, 20);
    const resumed = await runLogOnDisk(app, server, 20);

    // Reset forgets the learned kernel (Export offers K again); a fresh 20-step run is the reference.
    await app.getByRole('button', { name: 'Reset' }).click();
    await app.getByRole('button', { name: 'Export…' }).click();
    await expect(app.getByRole('heading', { name: 'Kernel: K (nothing learned yet)' })).toBeVisible();
    await app.getByRole('button', { name: 'Close' }).click();
    await app.getByLabel('Steps', { exact: true }).fill('20');
    await app.getByLabel('Steps', { exact: true }).blur();
    await runAndWait(app, 20);
    const fresh = await runLogOnDisk(app, server, 20);
    expect(fresh.runId).not.toBe(resumed.runId);
    expect(resumed.losses).toEqual(fresh.losses);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a run whose loss grows stops early with a warning naming the step and the likely cause', async ({
  app,
}) => {
  const status = app.getByRole('status', { name: 'Training status' });
  const setShape = async (rows: string, cols: string) => {
    await setField(app, 'Kernel rows', rows);
    await setField(app, 'Kernel columns', cols);
  };
  // A 3×3 learned kernel against the 1×2 target of d2l's image: 3.7 climbs to hundreds within 10 steps.
  await app.getByRole('tab', { name: 'Train' }).click();
  await setShape('3', '3');
  await app.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(status).toHaveText(/^Loss growing · step \d+$/);
  const step = /step (\d+)/.exec((await status.textContent())!)![1];
  const alert = app.getByRole('alert');
  await expect(alert).toContainText(`at step ${step}, against`);
  await expect(alert).toContainText('The learning rate (0.03) is likely too large for this problem.');
  await expect(alert).toContainText(/diverges here above lr \d/);
  await expect(alert).not.toContainText('last finite');
  expect(Number(step)).toBeLessThan(10);

  // Run goes on anyway when asked; the warning is not repeated for this run.
  await app.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(status).toHaveText('Done · step 10');

  // The sanity preset with a 2×2 learned kernel (lr 0.03) is stopped within its first steps, long before 5e26.
  await app.getByRole('tab', { name: 'Explore' }).click();
  await app.getByRole('button', { name: /^Sanity test/ }).click();
  await app.getByRole('tab', { name: 'Train' }).click();
  await setShape('2', '2');
  // (the preset chose an lr that converges; the case is d2l's 0.03)
  await setField(app, 'Learning rate', '0.03');
  await app.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(status).toHaveText(/^Loss growing · step [1-5]$/);
});

test('each run has its own name, its number first, in the run list, the chart legend and the log', async ({
  app,
}) => {
  await app.getByRole('tab', { name: 'Train' }).click();
  await runAndWait(app, 10);
  await app.getByRole('button', { name: 'Reset', exact: true }).click();
  await setField(app, 'Steps', '5');
  await runAndWait(app, 5);
  const names = ['Run 1 · lr 0.03 · sgd · sum · 1×2 · seed 0', 'Run 2 · lr 0.03 · sgd · sum · 1×2 · seed 0'];
  const list = app.getByRole('list', { name: 'Runs' }).getByRole('listitem');
  await expect(list).toHaveCount(2);
  await expect(list.nth(0)).toContainText(names[0]);
  await expect(list.nth(1)).toContainText(names[1]);
  await expect(app.locator('li[aria-current="true"]')).toContainText(names[1]);
  const legend = app.getByTestId('loss-chart').locator('.u-legend .u-series');
  await expect(legend.nth(1)).toContainText(names[0]);
  await expect(legend.nth(2)).toContainText(names[1]);
  await expect(app.getByRole('log', { name: 'Training log' }).locator('header')).toHaveText(names[1]);

  // Clear runs frees no number: the next run is Run 3, never a second Run 1.
  await app.getByRole('button', { name: 'Clear runs', exact: true }).click();
  await expect(list).toHaveCount(0);
  await runAndWait(app, 5);
  await expect(list).toHaveCount(1);
  await expect(list.nth(0)).toContainText('Run 3 · lr 0.03 · sgd · sum · 1×2 · seed 0');

  // Clear runs mid-run ends the run; its points still on their way do not bring it back.
  await setField(app, 'Steps', '100000');
  await app.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(app.getByRole('status', { name: 'Training status' })).toHaveText(/^Running · step \d+/);
  await app.getByRole('button', { name: 'Clear runs', exact: true }).click();
  await expect(app.getByRole('status', { name: 'Training status' })).toHaveText('Ready · step 0');
  await app.waitForTimeout(500);
  await expect(list).toHaveCount(0);
});

test('in 中文 the training log and run names are Chinese, losses written as the chart writes them', async ({
  app,
}) => {
  await app.getByRole('tab', { name: 'Train' }).click();
  await app.getByRole('combobox', { name: 'Language' }).selectOption('zh');
  await app.getByRole('button', { name: '运行', exact: true }).click();
  await expect(app.getByRole('status', { name: '训练状态' })).toHaveText('完成 · 第 10 步');
  const name = '运行 1 · 学习率 0.03 · SGD · 平方和 · 1×2 · 种子 0';
  await expect(app.getByRole('list', { name: '运行记录' }).getByRole('listitem')).toContainText(name);
  const log = app.getByRole('log', { name: '训练日志' });
  await expect(log.locator('header')).toHaveText(name);
  const lines = log.locator('div');
  await expect(lines).toHaveCount(5);
  // Each line: d2l's "batch i, loss l" in Chinese, the loss with 5 significant digits (number-format.ts).
  for (const line of await lines.all()) {
    const step = await line.getAttribute('data-step');
    const loss = Number(await line.getAttribute('data-loss'));
    await expect(line).toHaveText(`第 ${step} 批，损失 ${loss.toPrecision(5)}`);
  }
});

test('Space, S and R work while focus is on the Train tab just clicked', async ({ app }) => {
  const tab = app.getByRole('tab', { name: 'Train' });
  await tab.click();
  await expect(tab).toBeFocused();
  const status = app.getByRole('status', { name: 'Training status' });
  await app.keyboard.press('s');
  await expect(status).toHaveText('Paused · step 1');
  await app.keyboard.press('Space');
  await expect(status).toHaveText('Done · step 10');
  await app.keyboard.press('r');
  await expect(status).toHaveText('Ready · step 0');
  await expect(tab).toHaveAttribute('aria-selected', 'true');
});

/** Every value cell's text against its background, as WCAG computes the ratio (axe-core's colour-contrast rule). */
async function cellContrasts(app: Page): Promise<{ text: string; ratio: number }[]> {
  return app.locator('[role="gridcell"][style*="background-color"]').evaluateAll((cells) => {
    const rgb = (css: string) => (css.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number);
    const lum = (c: number[]) => {
      const [r, g, b] = c.map((v) =>
        v / 255 <= 0.04045 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4,
      );
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    return cells
      .filter((cell) => (cell.textContent ?? '').trim() !== '')
      .map((cell) => {
        const style = getComputedStyle(cell);
        const [a, b] = [lum(rgb(style.color)), lum(rgb(style.backgroundColor))].sort((x, y) => y - x);
        return { text: cell.textContent!.trim(), ratio: (a + 0.05) / (b + 0.05) };
      });
  });
}

test('after a run every number on Train’s heatmap cells reads at 4.5:1 or more (axe-core’s colour-contrast rule)', async ({
  app,
}) => {
  await app.getByRole('tab', { name: 'Train' }).click();
  await runAndWait(app, 10);
  for (const colorScheme of ['light', 'dark'] as const) {
    await app.emulateMedia({ colorScheme });
    const cells = await cellContrasts(app);
    expect(cells.length).toBeGreaterThan(10);
    for (const { text, ratio } of cells) expect(ratio, `${colorScheme}: ${text}`).toBeGreaterThanOrEqual(4.5);
  }
});

test('with four or more runs the legend shows one run a line, no name broken over lines', async ({ app }) => {
  await app.setViewportSize({ width: 1280, height: 800 });
  await app.getByRole('tab', { name: 'Train' }).click();
  await setField(app, 'Steps', '3');
  for (let i = 0; i < 5; i++) {
    await app.getByRole('button', { name: 'Reset', exact: true }).click();
    await runAndWait(app, 3);
  }
  const rows = app.getByTestId('loss-chart').locator('.u-legend .u-series');
  await expect(rows).toHaveCount(6); // the step, then five runs
  const boxes = await rows.evaluateAll((els) =>
    els.map((el) => {
      const box = el.getBoundingClientRect();
      const label = el.querySelector('.u-label')!.getBoundingClientRect();
      return { top: box.top, height: box.height, labelHeight: label.height, right: box.right };
    }),
  );
  const chart = await app.getByTestId('loss-chart').boundingBox();
  for (let i = 1; i < boxes.length; i++) {
    expect(boxes[i].top, `row ${i}`).toBeGreaterThan(boxes[i - 1].top);
    // One line: no taller than the step's row, the label one line of 12 px text.
    expect(boxes[i].height, `row ${i}`).toBeLessThanOrEqual(boxes[0].height + 1);
    expect(boxes[i].labelHeight, `row ${i}`).toBeLessThan(24);
    expect(boxes[i].right).toBeLessThanOrEqual(chart!.x + chart!.width + 1);
  }
});

test('Export says so when the learned layer comes from a diverged run', async ({ app }) => {
  await app.getByRole('tab', { name: 'Train' }).click();
  await runAndWait(app, 10);
  await app.getByRole('button', { name: 'Export…' }).click();
  await expect(app.getByTestId('export-kernel')).toBeVisible();
  await expect(app.getByTestId('export-trouble')).toHaveCount(0);
  await app.getByRole('button', { name: 'Close' }).click();
  await app.getByRole('button', { name: 'Reset', exact: true }).click();
  await setField(app, 'Learning rate', '100');
  await runAndWait(app, 0, 'Loss growing');
  await runAndWait(app, 0, 'Diverged');
  await app.getByRole('button', { name: 'Export…' }).click();
  await expect(app.getByTestId('export-trouble')).toHaveText(
    /comes from a run that diverged: it is no useful result/,
  );
});

test('run names follow the language: made in English, shown in 中文 after a switch, and back', async ({
  app,
}) => {
  await app.getByRole('tab', { name: 'Train' }).click();
  await runAndWait(app, 10);
  const english = 'Run 1 · lr 0.03 · sgd · sum · 1×2 · seed 0';
  const chinese = '运行 1 · 学习率 0.03 · SGD · 平方和 · 1×2 · 种子 0';
  await expect(app.getByRole('list', { name: 'Runs' }).getByRole('listitem')).toContainText(english);
  await app.getByRole('combobox', { name: 'Language' }).selectOption('zh');
  await expect(app.getByRole('list', { name: '运行记录' }).getByRole('listitem')).toContainText(chinese);
  await expect(app.getByRole('log', { name: '训练日志' }).locator('header')).toHaveText(chinese);
  await expect(app.getByTestId('loss-chart').locator('.u-legend .u-series').nth(1)).toContainText(chinese);
  // The next run numbers on from the facts, not from a name in either language.
  await app.getByRole('button', { name: '重置', exact: true }).click();
  await app.getByRole('button', { name: '运行', exact: true }).click();
  await expect(app.getByRole('list', { name: '运行记录' }).getByRole('listitem').nth(1)).toContainText(
    '运行 2 ·',
  );
  await app.getByRole('combobox', { name: '语言' }).selectOption('en');
  await expect(app.getByRole('list', { name: 'Runs' }).getByRole('listitem').nth(0)).toContainText(english);
});

test('Train follows the kernel shapes: the target and learned shapes show before Run, and a preset leaves settings that run', async ({
  app,
}) => {
  const note = app.getByTestId('shape-note');
  const status = app.getByRole('status', { name: 'Training status' });
  await app.getByRole('tab', { name: 'Train' }).click();
  await expect(note).toHaveText(
    'Target Y from X ⋆ K (1×2) is 6×7; the learned 1×2 kernel makes Ŷ 6×7 from X 6×8: the same shape.',
  );
  // A larger learned kernel crops Y: said before Run, in the K mode too; one click learns K's shape again.
  await setField(app, 'Kernel rows', '3');
  await setField(app, 'Kernel columns', '3');
  await expect(note).toContainText('makes Ŷ 4×6 from X 6×8, so Run learns only Y’s top-left 4×6 block.');
  await app.getByRole('button', { name: 'Learn a 1×2 kernel, like K' }).click();
  await expect(note).toContainText('the same shape');
  await expect(app.getByLabel('Kernel rows', { exact: true })).toHaveValue('1');
  await app.getByLabel('Target Y', { exact: true }).selectOption('drawn');
  await expect(note).toContainText('Target Y from your drawing is 6×7');
  await app.getByLabel('Target Y', { exact: true }).selectOption('kernel');

  // The sanity preset: Train learns a 2×2 kernel at an lr that converges, and Run with that runs.
  await app.getByRole('tab', { name: 'Explore' }).click();
  await app.getByRole('button', { name: /^Sanity test/ }).click();
  await app.getByRole('tab', { name: 'Train' }).click();
  await expect(note).toHaveText(
    'Target Y from X ⋆ K (2×2) is 2×2; the learned 2×2 kernel makes Ŷ 2×2 from X 3×3: the same shape.',
  );
  await expect(app.getByLabel('Learning rate', { exact: true })).toHaveValue('0.001');
  await runAndWait(app, 10);
  await expect(app.getByRole('alert')).toHaveCount(0);

  // d2l's 1×2 learned kernel on the sanity image: the failing Run, now said before Run.
  await setField(app, 'Kernel rows', '1');
  await setField(app, 'Kernel columns', '2');
  await expect(app.getByRole('alert')).toHaveText(
    'Target Y from X ⋆ K (2×2) is 2×2, smaller than the Ŷ 3×2 the learned 1×2 kernel makes from X 3×3: Run cannot start.',
  );
  await expect(status).toHaveText('Ready · step 0');
});

test('one Undo takes back a preset whole: X, K and the Train settings it set', async ({ app }) => {
  await app.getByRole('button', { name: /^Sanity test/ }).click();
  await app.getByRole('tab', { name: 'Train' }).click();
  await expect(app.getByLabel('Learning rate', { exact: true })).toHaveValue('0.001');
  await expect(app.getByLabel('Kernel rows', { exact: true })).toHaveValue('2');
  await app.getByRole('tab', { name: 'Explore' }).click();
  await app.getByRole('button', { name: 'Undo', exact: true }).click();
  await app.getByRole('tab', { name: 'Train' }).click();
  // d2l's defaults again: the 6×8 edge image, K = [1, −1], a 1×2 kernel learned at lr 0.03.
  await expect(app.getByLabel('Learning rate', { exact: true })).toHaveValue('0.03');
  await expect(app.getByLabel('Kernel rows', { exact: true })).toHaveValue('1');
  await expect(app.getByLabel('Kernel columns', { exact: true })).toHaveValue('2');
  await expect(app.getByTestId('shape-note')).toHaveText(
    'Target Y from X ⋆ K (1×2) is 6×7; the learned 1×2 kernel makes Ŷ 6×7 from X 6×8: the same shape.',
  );
  await app.getByRole('tab', { name: 'Explore' }).click();
  await app.getByRole('button', { name: 'Redo', exact: true }).click();
  await app.getByRole('tab', { name: 'Train' }).click();
  await expect(app.getByLabel('Learning rate', { exact: true })).toHaveValue('0.001');
});
