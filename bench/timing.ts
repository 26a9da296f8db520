/** Medians after warm-up, with a time budget so tfjs's slow cases stay finite. */

export interface Timing {
  readonly medianMs: number;
  readonly runs: number;
}

export interface MeasureOptions {
  readonly warmup?: number;
  readonly runs?: number;
  /** Stop adding runs once this much time was spent (at least `minRuns` still run). */
  readonly budgetMs?: number;
  readonly minRuns?: number;
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export async function measure(fn: () => Promise<void>, options: MeasureOptions = {}): Promise<Timing> {
  const { warmup = 1, runs = 10, budgetMs = Infinity, minRuns = 1 } = options;
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  const start = performance.now();
  while (times.length < runs && (times.length < minRuns || performance.now() - start < budgetMs)) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return { medianMs: median(times), runs: times.length };
}

/**
 * Times several functions taking turns (a, b, a, b, …), so each sees the same machine. Some
 * costs come in modes that last many calls: SwiftShader's round-trip latency, and in Node
 * the price of a fresh 4 MiB array (30× apart, by whether the allocator just handed its pages
 * back to the OS). Timed one after the other, two functions can each catch a different mode.
 */
export async function measureInTurns(
  fns: readonly (() => Promise<void>)[],
  options: { readonly warmup?: number; readonly runs?: number } = {},
): Promise<Timing[]> {
  const { warmup = 2, runs = 10 } = options;
  for (let i = 0; i < warmup; i++) for (const fn of fns) await fn();
  const times = fns.map((): number[] => []);
  for (let i = 0; i < runs; i++)
    for (const [j, fn] of fns.entries()) {
      const t0 = performance.now();
      await fn();
      times[j].push(performance.now() - t0);
    }
  return times.map((t) => ({ medianMs: median(t), runs: t.length }));
}
