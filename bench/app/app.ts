/**
 * `npm run bench:app`: what a user feels, in browser mode (the built app in Chromium, driven by
 * Playwright, timed in the page with performance marks):
 *   - edit → painted Y: a cell painted on X (pointerdown's timestamp) until the first animation
 *     frame after Y's canvas was redrawn with the Y computed after that edit (the app's
 *     `ks:y-computed` and `ks:drawn:Output Y` marks). 256² X with an 11×11 kernel (bias + ReLU),
 *     and a 3 → 8 layer (3×3, "same") on a 256² RGB X. CPU backend and forced WebGPU.
 *   - training in the UI: steps per second the app sustains at 256² 5×5 + bias while the loss
 *     chart streams, beside the engine's own rate (CpuLayerTrainer in this process, one thread,
 *     timed just before and just after the UI row: `engine_range`, their mean `engine_steps_per_s`).
 * Prints {"results": [{workload, backend, p50_ms, p95_ms, runs, …}]} with --json, else a table.
 * Edit rows also carry page_p50_ms/page_p95_ms: the same edits timed by the page itself, to the
 * first frame that runs after Y was drawn; and drawn_p50_ms/drawn_p95_ms, to Y drawn (no frame). p50_ms/p95_ms see the mark through a PerformanceObserver,
 * which Chromium delivers only after the frame that follows an input (as it defers timers), so
 * they land one frame later: at least 16.7 ms even for an app that paints Y at once.
 * Options: --json, --edits=N (default 50), --train-seconds=S (default 8), --backend=cpu|webgpu (one
 * backend), --only=PREFIX (the workloads whose name starts with it: `edit`, `train`).
 * --floor adds a row timed as the edit rows are, on a page that is not the app and paints at once:
 * the least the edit rows' figures can be on this machine.
 * Diagnostics (the times reported are then not the bench's: recording slows the page):
 * --profile=DIR records a CPU profile of the page's edits (Chrome DevTools protocol) into DIR, one
 * `.cpuprofile` per workload, and prints the functions with the most self time and each edit's
 * phases (pointerdown → Y computed → Y drawn) to stderr; --trace=DIR records a Chromium trace
 * instead and prints the page's main-thread tasks around the last edits.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright';
import { CpuLayerTrainer } from '#core/cpu/index';
import { oneKernelLayer } from '../../tests/helpers/one-kernel';
import { randomKernel, randomMatrix } from '#core/random';
import { serializeWorkspace } from '#core/workspace/io';
import { DEFAULT_TRAINING, defaultDocument, type WorkspaceDocument } from '#core/workspace/model';
import { largeTrainConfig } from '../configs';
import { CHROMIUM_ARGS, CHROMIUM_PATH, startAppServer, stopAppServer } from '../../tests/e2e/fixtures';
import { answerNextPrompt } from '../../tests/e2e/dialogs';
import { median } from '../timing';
import { editPhases, startProfile, startTrace } from './profile';

const args = process.argv.slice(2);
const json = args.includes('--json');
const option = (name: string, fallback: number): number =>
  Number(args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const EDITS = option('edits', 50);
const TRAIN_SECONDS = option('train-seconds', 8);
const BACKENDS = (['cpu', 'webgpu'] as const).filter(
  (b) => !args.some((a) => a.startsWith('--backend=')) || args.includes(`--backend=${b}`),
);
const ONLY = args.find((a) => a.startsWith('--only='))?.slice('--only='.length);
const PROFILE = args.find((a) => a.startsWith('--profile='))?.slice('--profile='.length);
const TRACE = args.find((a) => a.startsWith('--trace='))?.slice('--trace='.length);
const FLOOR = args.includes('--floor');
const log = (line: string): void => void process.stderr.write(`${line}\n`);

export interface AppResult {
  workload: string;
  /** 'none': the --floor row (a page that is not the app). */
  backend: 'cpu' | 'webgpu' | 'none';
  p50_ms: number;
  p95_ms: number;
  runs: number;
  /** Training rows: steps per second in the UI, and the engine's own rate beside it. */
  steps_per_s?: number;
  engine_steps_per_s?: number;
  /** The engine's rate just before and just after the UI's. */
  engine_range?: [number, number];
  /**
   * Edit rows, a second view of the same edits: the page's own watch (`watchMarks`), from the
   * pointerdown to the first animation frame that runs after Y was drawn. p50_ms/p95_ms wait for
   * the bench's observer to report the mark, which Chromium delivers only after the frame that
   * follows an input; these do not, so they are the frame that paints Y.
   */
  page_p50_ms?: number;
  page_p95_ms?: number;
  /** Edit rows: from the pointerdown until Y's canvas was drawn (the app's own work, no frame). */
  drawn_p50_ms?: number;
  drawn_p95_ms?: number;
  note?: string;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
}

function summary(times: number[]): { p50_ms: number; p95_ms: number; runs: number } {
  const sorted = [...times].sort((a, b) => a - b);
  const round = (ms: number): number => Number(ms.toFixed(2));
  return { p50_ms: round(median(sorted)), p95_ms: round(percentile(sorted, 0.95)), runs: times.length };
}

/** The workloads as workspace files, built from the default document. */
const documents: Record<string, WorkspaceDocument> = {
  'edit→painted Y 256² 11×11 (bias+relu)': {
    ...defaultDocument(),
    channels: [randomMatrix(256, 256, 1, -1, 1)],
    kernels: [[randomKernel(11, 11, 2)]],
    biases: [0.1],
    activation: 'relu',
  },
  'edit→painted Y layer RGB 256² → 8, 3×3 same': {
    ...defaultDocument(),
    channels: [0, 1, 2].map((c) => randomMatrix(256, 256, 10 + c, -1, 1)),
    kernels: Array.from({ length: 8 }, (_, o) => [0, 1, 2].map((c) => randomKernel(3, 3, 20 + 3 * o + c))),
    biases: Array.from({ length: 8 }, (_, o) => 0.05 * o),
    padding: [1, 1],
  },
  'train in the UI 256² 5×5+bias': {
    ...defaultDocument(),
    channels: [randomMatrix(256, 256, 11, -1, 1)],
    kernels: [[randomKernel(5, 5, 12)]],
    training: {
      ...DEFAULT_TRAINING,
      kernelRows: 5,
      kernelCols: 5,
      initWeight: randomKernel(5, 5, 13),
      useBias: true,
      targetBias: 0.3,
      loss: 'mean',
      lr: 0.1,
      steps: 1_000_000,
      logEvery: 1,
    },
  },
};

async function openWorkspace(page: Page, path: string): Promise<void> {
  answerNextPrompt(page, path);
  await page.getByRole('button', { name: 'Open…' }).click();
}

/**
 * Installs the page-side timing: pointerdown timestamps and the app's marks, as they happen; and,
 * from each pointerdown, the page's own watch for the frame that paints Y (`__painted`: ms from the
 * pointerdown until the first animation frame whose callbacks run after Y was drawn, read with
 * `performance.getEntriesByName` in that frame, not through the observer).
 */
async function watchMarks(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as {
      __downs: number[];
      __marks: Record<string, number[]>;
      __painted: [number, number][];
    };
    w.__downs = [];
    w.__marks = {};
    w.__painted = [];
    const newest = (name: string): number =>
      performance.getEntriesByName(name).at(-1)?.startTime ?? -Infinity;
    document.addEventListener(
      'pointerdown',
      (e) => {
        const down = e.timeStamp;
        w.__downs.push(down);
        const frame = (): void => {
          const computed = newest('ks:y-computed');
          if (computed > down && newest('ks:drawn:Output Y') >= computed)
            w.__painted.push([newest('ks:drawn:Output Y') - down, performance.now() - down]);
          else if (performance.now() - down < 30_000) requestAnimationFrame(frame);
        };
        requestAnimationFrame(frame);
      },
      true,
    );
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) (w.__marks[e.name] ??= []).push(e.startTime);
    }).observe({ type: 'mark' });
  });
}

/**
 * One edit: paints one cell of X (a different cell each time, so the value changes), then
 * waits for Y computed after it, Y's canvas drawn after that, and the next animation frame.
 */
async function timeEdit(page: Page, i: number): Promise<{ ms: number; page: [number, number] }> {
  const box = (await page
    .getByRole('grid', { name: 'Input X', exact: true })
    .locator('canvas')
    .boundingBox())!;
  const cells = 256;
  const row = 3 + ((i * 37) % 250);
  const col = 3 + ((i * 91) % 250);
  await page.mouse.click(
    box.x + ((col + 0.5) / cells) * box.width,
    box.y + ((row + 0.5) / cells) * box.height,
  );
  return page.evaluate(
    () =>
      new Promise<{ ms: number; page: [number, number] }>((resolve, reject) => {
        const w = window as unknown as {
          __downs: number[];
          __marks: Record<string, number[]>;
          __painted: [number, number][];
        };
        const down = w.__downs[w.__downs.length - 1];
        const started = performance.now();
        const poll = (): void => {
          const computed = (w.__marks['ks:y-computed'] ?? []).find((t) => t > down);
          const drawn =
            computed === undefined
              ? undefined
              : (w.__marks['ks:drawn:Output Y'] ?? []).find((t) => t >= computed);
          if (drawn !== undefined)
            requestAnimationFrame((frame) =>
              resolve({ ms: frame - down, page: w.__painted.at(-1) ?? [NaN, NaN] }),
            );
          else if (performance.now() - started > 30_000) reject(new Error('Y was not painted within 30 s'));
          else setTimeout(poll, 1);
        };
        poll();
      }),
  );
}

async function editRows(page: Page, workload: string, backend: AppResult['backend']): Promise<AppResult> {
  await page.getByRole('grid', { name: 'Output Y', exact: true }).waitFor();
  await watchMarks(page);
  const times: number[] = [];
  const drawnTimes: number[] = [];
  const pageTimes: number[] = [];
  let stopProfile: (() => Promise<void>) | null = null;
  for (let i = 0; i < EDITS + 3; i++) {
    const name = `${backend}-${workload}`;
    if (i === 3 && PROFILE) stopProfile = await startProfile({ page, dir: PROFILE, name, log });
    if (i === 3 && TRACE) stopProfile = await startTrace({ page, dir: TRACE, name, log });
    const { ms, page: painted } = await timeEdit(page, i);
    // The first edits warm up the code paths.
    if (i >= 3) {
      times.push(ms);
      drawnTimes.push(painted[0]);
      pageTimes.push(painted[1]);
    }
    await page.waitForTimeout(20);
  }
  if (stopProfile) {
    await stopProfile();
    await editPhases(page, log);
  }
  const [drawn, inPage] = [summary(drawnTimes), summary(pageTimes)];
  return {
    workload,
    backend,
    ...summary(times),
    page_p50_ms: inPage.p50_ms,
    page_p95_ms: inPage.p95_ms,
    drawn_p50_ms: drawn.p50_ms,
    drawn_p95_ms: drawn.p95_ms,
  };
}

/**
 * `--floor`: the edit rows' timing on a page that is not the app: two grids of one canvas each,
 * whose pointerdown paints a pixel and makes both marks at once. What no app can go under.
 */
async function floorRow(browser: Browser): Promise<AppResult> {
  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  const page = await context.newPage();
  await page.setContent(`
    <div role="grid" aria-label="Input X"><canvas width="256" height="256" style="width:512px"></canvas></div>
    <div role="grid" aria-label="Output Y"><canvas width="256" height="256" style="width:512px"></canvas></div>
    <script>
      const mark = (name) => { performance.clearMarks(name); performance.mark(name); };
      const [x, y] = [...document.querySelectorAll('canvas')].map((c) => c.getContext('2d'));
      document.addEventListener('pointerdown', (e) => {
        x.fillRect(e.offsetX / 2, e.offsetY / 2, 1, 1);
        mark('ks:y-computed');
        y.fillRect(e.offsetX / 2, e.offsetY / 2, 1, 1);
        mark('ks:drawn:Output Y');
      });
    </script>`);
  log('floor: a page that paints at once…');
  const row = await editRows(page, 'floor: a page that paints Y at once (not the app)', 'none');
  log(
    `  p50 ${row.p50_ms} ms, p95 ${row.p95_ms} ms; in the page: p50 ${row.page_p50_ms}, p95 ${row.page_p95_ms}`,
  );
  await context.close();
  return row;
}

/** The step count the Train view shows ("Running · step N"). */
async function shownStep(page: Page): Promise<number> {
  const text = await page.getByRole('status', { name: 'Training status' }).textContent();
  return Number(/step ([\d,]+)/.exec(text ?? '')?.[1]?.replaceAll(',', '') ?? NaN);
}

async function trainRow(page: Page, workload: string, backend: AppResult['backend']): Promise<AppResult> {
  await page.getByRole('tab', { name: 'Train' }).click();
  // "Fastest": the most steps per frame the app offers (the default shows one step per frame).
  await page.getByRole('combobox', { name: 'Speed', exact: true }).selectOption('max');
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await page.waitForTimeout(1500); // the run is set up and warm
  const stopProfile = PROFILE
    ? await startProfile({ page, dir: PROFILE, name: `${backend}-${workload}`, log })
    : null;
  const samples: { t: number; step: number }[] = [];
  const end = Date.now() + TRAIN_SECONDS * 1000;
  while (Date.now() < end) {
    samples.push({ t: performance.now(), step: await shownStep(page) });
    await page.waitForTimeout(500);
  }
  await stopProfile?.();
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  // ms per step over each half-second window, and the whole rate.
  const perStep: number[] = [];
  for (let i = 1; i < samples.length; i++) {
    const steps = samples[i].step - samples[i - 1].step;
    if (steps > 0) perStep.push((samples[i].t - samples[i - 1].t) / steps);
  }
  const first = samples[0];
  const last = samples[samples.length - 1];
  const stepsPerS = ((last.step - first.step) * 1000) / (last.t - first.t);
  return { workload, backend, ...summary(perStep), steps_per_s: Number(stepsPerS.toFixed(1)) };
}

/** The engine's own rate on the same problem size: CpuLayerTrainer, one thread, in this process. */
function engineStepsPerS(): number {
  const trainer = new CpuLayerTrainer(oneKernelLayer(largeTrainConfig()));
  trainer.runSync(20);
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const start = performance.now();
    trainer.runSync(100);
    times.push((performance.now() - start) / 100);
  }
  trainer.dispose();
  return Number((1000 / median(times)).toFixed(1));
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ks-bench-app-'));
  const server = await startAppServer();
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
    headless: true,
  });
  const results: AppResult[] = [];
  try {
    const files = Object.entries(documents).map(([workload, doc], i) => {
      const path = join(dir, `workload-${i}.kstudio.json`);
      writeFileSync(path, serializeWorkspace(doc));
      return { workload, path };
    });
    for (const backend of BACKENDS) {
      for (const { workload, path } of files.filter((f) => !ONLY || f.workload.startsWith(ONLY))) {
        const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
        await context.addInitScript((b) => localStorage.setItem('kernel-studio.backend', b), backend);
        const page = await context.newPage();
        await page.goto(server.url);
        await openWorkspace(page, path);
        log(`${backend}: ${workload}…`);
        // The engine's rate is timed just before and just after the UI's (this VM's speed drifts
        // by 2× within minutes): the mean of the two is the row's `engine_steps_per_s`.
        const engineRate = workload.startsWith('train') && backend === 'cpu';
        const engineBefore = engineRate ? engineStepsPerS() : undefined;
        const row = workload.startsWith('train')
          ? await trainRow(page, workload, backend)
          : await editRows(page, workload, backend);
        if (engineBefore !== undefined) {
          const engineAfter = engineStepsPerS();
          row.engine_steps_per_s = Number(((engineBefore + engineAfter) / 2).toFixed(1));
          row.engine_range = [engineBefore, engineAfter];
        }
        const active = await page
          .getByTestId('backend-status')
          .textContent()
          .catch(() => null);
        if (active) row.note = `status bar: ${active.trim()}`;
        results.push(row);
        log(
          `  p50 ${row.p50_ms} ms, p95 ${row.p95_ms} ms (${row.runs} runs)${row.steps_per_s ? `, ${row.steps_per_s} steps/s` : ''}${row.page_p50_ms !== undefined ? `; in the page: p50 ${row.page_p50_ms} ms, p95 ${row.page_p95_ms} ms; Y drawn: p50 ${row.drawn_p50_ms} ms, p95 ${row.drawn_p95_ms} ms` : ''}`,
        );
        await context.close();
      }
    }
    if (FLOOR) results.push(await floorRow(browser));
  } finally {
    await browser.close();
    await stopAppServer(server);
    rmSync(dir, { recursive: true, force: true });
  }
  const load = loadavg().map((l) => Number(l.toFixed(2)));
  if (json) process.stdout.write(`${JSON.stringify({ results, loadavg: load })}\n`);
  else {
    for (const r of results)
      console.log(
        `${r.backend.padEnd(7)} ${r.workload.padEnd(46)} p50 ${String(r.p50_ms).padStart(8)} ms  p95 ${String(r.p95_ms).padStart(8)} ms  (${r.runs})${r.page_p50_ms !== undefined ? `  in the page: p50 ${r.page_p50_ms} ms, p95 ${r.page_p95_ms} ms; Y drawn: p50 ${r.drawn_p50_ms}, p95 ${r.drawn_p95_ms}` : ''}${r.steps_per_s ? `  ${r.steps_per_s} steps/s${r.engine_steps_per_s ? ` (engine ${r.engine_steps_per_s}, ${((100 * r.steps_per_s) / r.engine_steps_per_s).toFixed(0)}%)` : ''}` : ''}`,
      );
    console.log(`load average: ${load.join(' / ')}`);
  }
}

await main();
