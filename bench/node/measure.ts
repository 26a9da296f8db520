/** Timing helpers shared by the Node benches. */
import { measureInTurns, median } from '../timing';

export interface BenchResult {
  workload: string;
  backend: 'cpu';
  /** `ours-threads`: our forward pass on every core (core/cpu/pool.ts, node/cpu-pool.ts). */
  impl: 'ours' | 'ours-threads' | 'tfjs-cpu' | 'tfjs-wasm' | 'roofline' | 'pytorch-cpu';
  median_ms: number;
  runs: number;
  /** Fastest and slowest timed run, where the measurer reports them. */
  spread_ms?: [number, number];
  /** PyTorch rows: the oneDNN path that was faster (bench/node/pytorch.ts), and the other path's median. */
  path?: string;
  other_path_ms?: number;
}

export interface TimingOptions {
  runs?: number;
  warmup?: number;
  /**
   * Caps the timed runs to about this many milliseconds (but never below `minRuns`), so a
   * peer that is 100× slower cannot stretch the bench to many minutes.
   */
  budgetMs?: number;
  minRuns?: number;
}

/** Median wall time after untimed warm-up calls (which let V8 optimise the code). */
export async function timeIt(
  fn: () => unknown,
  { runs = 10, warmup = 2, budgetMs = Infinity, minRuns = 3 }: TimingOptions = {},
): Promise<{ median_ms: number; runs: number }> {
  let warmMs = 0;
  for (let i = 0; i < warmup; i++) {
    const start = performance.now();
    await fn();
    warmMs = performance.now() - start;
  }
  const count = Math.max(minRuns, Math.min(runs, Math.floor(budgetMs / Math.max(warmMs, 1e-3))));
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  return { median_ms: median(times), runs: count };
}

/** `measureInTurns` (shared with the browser bench) in this file's result shape. */
export async function timeInTurns(
  fns: readonly (() => unknown)[],
  { runs = 10, warmup = 2 }: TimingOptions = {},
): Promise<{ median_ms: number; runs: number }[]> {
  const turns = fns.map((fn) => async () => void (await fn()));
  const timings = await measureInTurns(turns, { runs, warmup });
  return timings.map((t) => ({ median_ms: t.medianMs, runs: t.runs }));
}
