import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Locator, Page } from '@playwright/test';
import { expect, test } from './fixtures';

/**
 * WebGPU robustness in the built app: the GPU process really crashes (Chromium's own
 * `Browser.crashGpuProcess`, which loses every device with reason "unknown"), a device is
 * really destroyed, and the adapter is really missing. Each time the app must go on
 * computing on the CPU with the user's work intact; after a crash it offers to retry the GPU.
 */

const BACKEND_KEY = 'kernel-studio.backend';

/** Reads a grid back from its cells' accessible names ("row r, column c, value v"). */
async function readGrid(app: Page, name: string): Promise<number[][]> {
  return app.getByRole('grid', { name, exact: true }).evaluate((el) => {
    const out: number[][] = [];
    for (const c of el.querySelectorAll('[role="gridcell"]')) {
      const m = /^row (\d+), column (\d+), value (\S+)$/.exec(c.getAttribute('aria-label') ?? '');
      if (m) (out[Number(m[1]) - 1] ??= [])[Number(m[2]) - 1] = Number(m[3]);
    }
    return out;
  });
}

/** 'valid' cross-correlation, the book's corr2d. */
function corr2d(x: number[][], k: number[][]): number[][] {
  const rows = x.length - k.length + 1;
  const cols = x[0]!.length - k[0]!.length + 1;
  return Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) =>
      k.reduce((s, kr, a) => kr.reduce((t, kv, b) => t + kv * x[i + a]![j + b]!, s), 0),
    ),
  );
}

async function expectYMatchesXK(app: Page): Promise<void> {
  await expect
    .poll(async () => {
      const [x, k, y] = await Promise.all([
        readGrid(app, 'Input X'),
        readGrid(app, 'Kernel K'),
        readGrid(app, 'Output Y'),
      ]);
      const want = corr2d(x, k);
      return (
        y.length === want.length && y.every((r, i) => r.every((v, j) => Math.abs(v - want[i]![j]!) < 1e-3))
      );
    })
    .toBe(true);
}

/** Reloads with WebGPU forced (SwiftShader here: automatic would pick the CPU) and, optionally, devices recorded. */
async function startOnWebGpu(app: Page, recordDevices = false): Promise<void> {
  if (recordDevices)
    await app.addInitScript(() => {
      // Keeps a handle on every device the app creates, so the test can destroy the real one.
      const original = GPUAdapter.prototype.requestDevice;
      GPUAdapter.prototype.requestDevice = async function (this: GPUAdapter, ...args) {
        const device = await original.apply(this, args);
        ((window as unknown as { __devices?: GPUDevice[] }).__devices ??= []).push(device);
        return device;
      };
    });
  await app.evaluate((key) => localStorage.setItem(key, 'webgpu'), BACKEND_KEY);
  await app.reload();
  await expect(app.getByTestId('backend-status')).toContainText('Backend: WebGPU');
}

/** The current run's loss log on disk (main's JSON Lines file) holds steps 1…`steps`, each once. */
async function expectOneUnbrokenRunOnDisk(app: Page, dataDir: string, steps: number): Promise<void> {
  const runId = await app.locator('li[aria-current="true"]').getAttribute('data-run-id');
  const file = join(dataDir, 'runs', `${runId}.jsonl`);
  const stepsOnDisk = (): number[] =>
    existsSync(file)
      ? readFileSync(file, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((line) => (JSON.parse(line) as { step: number }).step)
      : [];
  await expect.poll(() => stepsOnDisk().length).toBe(steps);
  expect(stepsOnDisk()).toEqual(Array.from({ length: steps }, (_, i) => i + 1));
}

/** Starts a 400-step run of the default (d2l) setup and waits until it is a few steps in; returns its status line. */
async function startLongRun(app: Page): Promise<Locator> {
  await app.getByRole('tab', { name: 'Train' }).click();
  const steps = app.getByLabel('Steps', { exact: true });
  await steps.fill('400');
  await steps.blur();
  const status = app.getByRole('status', { name: 'Training status' });
  await app.getByRole('button', { name: 'Run', exact: true }).click();
  await expect
    .poll(async () => Number(/step (\d+)/.exec((await status.textContent()) ?? '')?.[1] ?? 0))
    .toBeGreaterThan(5);
  return status;
}

async function crashGpuProcess(browser: Browser): Promise<void> {
  const cdp = await browser.newBrowserCDPSession();
  await cdp.send('Browser.crashGpuProcess');
  await cdp.detach();
}

test('a GPU process crash moves work to the CPU, keeps the state, and offers to retry WebGPU', async ({
  app,
  browser,
}) => {
  await startOnWebGpu(app);
  await app.getByRole('button', { name: /^Sanity test/ }).click();
  await expectYMatchesXK(app);
  const before = { x: await readGrid(app, 'Input X'), k: await readGrid(app, 'Kernel K') };

  await crashGpuProcess(browser);

  const alert = app.getByRole('alert', { name: 'GPU lost' });
  await expect(alert).toBeVisible();
  await expect(alert).toContainText('moved to the CPU and kept your work');
  await expect(app.getByTestId('backend-status')).toContainText('Backend: CPU');
  await expect(app.getByTestId('backend-status')).toContainText('the GPU device was lost');
  // The work is intact and Y is computed (now on the CPU) from it.
  expect(await readGrid(app, 'Input X')).toEqual(before.x);
  expect(await readGrid(app, 'Kernel K')).toEqual(before.k);
  await expectYMatchesXK(app);
  // Still live on CPU: a change to K recomputes Y.
  await app
    .getByRole('group', { name: 'Kernel K', exact: true })
    .getByRole('button', { name: 'Invert' })
    .click();
  await expect.poll(() => readGrid(app, 'Kernel K')).not.toEqual(before.k);
  await expectYMatchesXK(app);

  // The notice is translated like the rest of the app.
  await app.getByRole('combobox', { name: 'Language' }).selectOption('zh');
  await expect(app.getByRole('alert', { name: 'GPU 已丢失' })).toContainText('已切换到 CPU');
  await expect(app.getByRole('button', { name: '重试 WebGPU' })).toBeVisible();
  await app.getByRole('combobox', { name: '语言' }).selectOption('en');

  // Retry: Chromium has restarted its GPU process, so a fresh device comes back.
  await alert.getByRole('button', { name: 'Retry WebGPU' }).click();
  await expect(app.getByTestId('backend-status')).toContainText('Backend: WebGPU');
  await expect(alert).toBeHidden();
  await expectYMatchesXK(app);
});

for (const how of ['crash', 'destroy'] as const) {
  test(`a training run survives the GPU device going away mid-run (${how}), continuing on the CPU (paused first when unexpected)`, async ({
    app,
    browser,
    server,
  }) => {
    await startOnWebGpu(app, how === 'destroy');
    const status = await startLongRun(app);

    if (how === 'crash') await crashGpuProcess(browser);
    else
      await app.evaluate(() => (window as unknown as { __devices: GPUDevice[] }).__devices.at(-1)!.destroy());

    await expect(app.getByTestId('backend-status')).toContainText('Backend: CPU');
    // Only an unexpected loss offers the GPU again; destroy() was deliberate.
    await expect(app.getByRole('alert', { name: 'GPU lost' })).toHaveCount(how === 'crash' ? 1 : 0);
    if (how === 'crash') {
      // An unexpected loss pauses the run on the CPU, state kept, until the user goes on.
      await expect(status).toHaveText(/^Paused · step \d+$/);
      await expect(app.getByTestId('handover')).toContainText('The run is paused');
      const pausedAt = Number(/step (\d+)/.exec((await status.textContent()) ?? '')?.[1]);
      expect(pausedAt).toBeGreaterThan(5);
      expect(pausedAt).toBeLessThan(400);
      await app.getByRole('button', { name: 'Run', exact: true }).click();
    }
    // Not restarted from step 0, not failed: the same run reaches its goal on the CPU…
    await expect(status).toHaveText('Done · step 400', { timeout: 60_000 });
    // …and its loss history on disk is one unbroken run, steps 1 to 400.
    await expectOneUnbrokenRunOnDisk(app, server.dataDir, 400);
  });
}

test('destroying the device moves work to the CPU without offering a retry', async ({ app }) => {
  await startOnWebGpu(app, true);
  await app.getByRole('button', { name: /^Sanity test/ }).click();
  await expectYMatchesXK(app);
  const x = await readGrid(app, 'Input X');

  const destroyed = await app.evaluate(() => {
    const devices = (window as unknown as { __devices?: GPUDevice[] }).__devices ?? [];
    devices.at(-1)?.destroy();
    return devices.length;
  });
  expect(destroyed).toBeGreaterThan(0);

  await expect(app.getByTestId('backend-status')).toContainText('Backend: CPU');
  await expect(app.getByTestId('backend-status')).toContainText('destroyed');
  await expect(app.getByRole('alert', { name: 'GPU lost' })).toHaveCount(0);
  expect(await readGrid(app, 'Input X')).toEqual(x);
  await app
    .getByRole('group', { name: 'Kernel K', exact: true })
    .getByRole('button', { name: 'Invert' })
    .click();
  await expectYMatchesXK(app);
});

test('with no GPU adapter at all, WebGPU falls back to the CPU and says why', async ({ app }) => {
  await app.addInitScript(() => {
    // The machine has no usable GPU: the browser's real answer in that case is null.
    GPU.prototype.requestAdapter = async () => null;
  });
  await app.evaluate((key) => localStorage.setItem(key, 'webgpu'), BACKEND_KEY);
  await app.reload();
  await expect(app.getByTestId('backend-status')).toContainText(
    'CPU (WebGPU was requested but no GPU adapter is available)',
  );
  await app.getByRole('button', { name: /^Sanity test/ }).click();
  await expectYMatchesXK(app);
  await expect(app.getByRole('alert', { name: 'GPU lost' })).toHaveCount(0);
});

/**
 * Makes the app's newest device answer its next `count` 'out-of-memory' error scopes with a
 * real GPUOutOfMemoryError. A true out-of-memory cannot be provoked safely on a CI machine
 * (SwiftShader allocates host memory), so the fault enters at the WebGPU API, the one place
 * the browser reports it; everything above it (our error scopes, the fallback, the UI) is real.
 */
async function injectOutOfMemory(app: Page, count: number): Promise<void> {
  await app.evaluate((n) => {
    const device = (window as unknown as { __devices: GPUDevice[] }).__devices.at(-1)!;
    const push = device.pushErrorScope.bind(device);
    const pop = device.popErrorScope.bind(device);
    const open: GPUErrorFilter[] = [];
    let left = n;
    device.pushErrorScope = (filter) => {
      open.push(filter);
      push(filter);
    };
    device.popErrorScope = async () => {
      const filter = open.pop();
      const real = await pop();
      if (filter !== 'out-of-memory' || left <= 0) return real;
      left--;
      return new GPUOutOfMemoryError('no room for this allocation (injected by the test)');
    };
  }, count);
}

test('a GPU out of memory moves the live view to the CPU and says why, with the work kept', async ({
  app,
}) => {
  await startOnWebGpu(app, true);
  await app.getByRole('button', { name: /^Sanity test/ }).click();
  await expectYMatchesXK(app);
  const x = await readGrid(app, 'Input X');

  await injectOutOfMemory(app, 1);
  await app
    .getByRole('group', { name: 'Kernel K', exact: true })
    .getByRole('button', { name: 'Invert' })
    .click();

  const status = app.getByTestId('backend-status');
  await expect(status).toContainText('Backend: CPU');
  await expect(status).toContainText('the GPU ran out of memory for a 3×3 forward pass');
  // Not a lost device: no retry offer, no error in place of Y, and Y is the new K's.
  await expect(app.getByRole('alert', { name: 'GPU lost' })).toHaveCount(0);
  await expect(app.getByRole('alert')).toHaveCount(0);
  expect(await readGrid(app, 'Input X')).toEqual(x);
  await expectYMatchesXK(app);

  await app.getByRole('combobox', { name: 'Language' }).selectOption('zh');
  await expect(status).toContainText('GPU 内存不足，无法完成 3×3 的前向计算');
});

test('a GPU out of memory mid-run moves the training run to the CPU, where it finishes unbroken', async ({
  app,
  server,
}) => {
  await startOnWebGpu(app, true);
  const status = await startLongRun(app);

  await injectOutOfMemory(app, 1);

  // The next GPU work of the run is either its steps or its Ŷ forward pass; either moves it.
  await expect(app.getByTestId('backend-status')).toContainText(
    /CPU \(the GPU ran out of memory (during the training steps|for a 6×8 forward pass)\)/,
  );
  await expect(app.getByTestId('handover')).toContainText('The run moved to CPU at step');
  // Memory is not a lost device: the run goes on by itself and reaches its goal.
  await expect(status).toHaveText('Done · step 400', { timeout: 60_000 });
  await expect(app.getByRole('alert', { name: 'GPU lost' })).toHaveCount(0);
  await expectOneUnbrokenRunOnDisk(app, server.dataDir, 400);
});

test('a run that does not fit in GPU memory starts on the CPU instead', async ({ app, server }) => {
  await startOnWebGpu(app, true);
  await app.getByRole('tab', { name: 'Train' }).click();
  await injectOutOfMemory(app, 1);
  await app.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(app.getByRole('status', { name: 'Training status' })).toHaveText('Done · step 10');
  await expect(app.getByTestId('backend-status')).toContainText('CPU (the GPU ran out of memory for a 6×8');
  await expect(app.getByRole('alert')).toHaveCount(0);
  await expectOneUnbrokenRunOnDisk(app, server.dataDir, 10);
});
