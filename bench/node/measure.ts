/** Timing helpers shared by the Node benches. */

export interface BenchResult {
  workload: string;
  backend: 'cpu';
  impl: 'ours' | 'tfjs-cpu' | 'tfjs-wasm';
  median_ms: number;
  runs: number;
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
  times.sort((a, b) => a - b);
  const mid = count >> 1;
  return { median_ms: count % 2 ? times[mid] : (times[mid - 1] + times[mid]) / 2, runs: count };
}
