/**
 * What the loss chart gives uPlot: one x array and a y array per run, at most two points per
 * pixel column, so drawing 20 runs of 100 000 points costs as much as drawing a few hundred.
 * Runs no longer than two points a column are given exactly.
 */

/** One run's points, in step order. */
export interface ChartPoints {
  readonly steps: readonly number[];
  readonly losses: readonly number[];
}

/** A y value: a loss, null for a gap (a loss the log scale cannot show), undefined where a run has no point (uPlot joins over it). */
export type ChartValue = number | null | undefined;

/**
 * Per bucket of steps (bucket b holds the steps s with ⌊(s − 1) · buckets / maxStep⌋ = b), the
 * indices of the point with the least loss and of the one with the greatest, in step order (one
 * index when they are the same point); buckets with no point are left out. The line drawn through
 * them reaches every bucket's extremes, so a spike or a dip is never lost.
 */
export function minMaxPerBucket(run: ChartPoints, maxStep: number, buckets: number): number[][] {
  const lows = new Int32Array(buckets).fill(-1);
  const highs = new Int32Array(buckets).fill(-1);
  const { steps, losses } = run;
  for (let i = 0; i < steps.length; i++) {
    const b = Math.min(buckets - 1, Math.floor(((steps[i]! - 1) * buckets) / maxStep));
    const v = losses[i]!;
    if (lows[b]! < 0 || v < losses[lows[b]!]!) lows[b] = i;
    if (highs[b]! < 0 || v > losses[highs[b]!]!) highs[b] = i;
  }
  const out: number[][] = [];
  for (let b = 0; b < buckets; b++) {
    const lo = lows[b]!;
    const hi = highs[b]!;
    out.push(lo < 0 ? [] : lo === hi ? [lo] : [Math.min(lo, hi), Math.max(lo, hi)]);
  }
  return out;
}

/**
 * uPlot's data for `runs` on a plot `columns` pixels wide. Past two points a column each bucket
 * gets two x slots, its first step and its middle step (less than a pixel apart from where the
 * points lie), holding each run's earlier and later extreme: O(columns) values per run.
 */
export function chartData(
  runs: readonly ChartPoints[],
  columns: number,
  logScale: boolean,
): [number[], ...ChartValue[][]] {
  const shown = (v: number): number | null => (logScale && !(v > 0) ? null : v);
  const maxStep = Math.max(0, ...runs.map((r) => r.steps[r.steps.length - 1] ?? 0));
  const buckets = Math.max(1, Math.floor(columns));
  if (maxStep <= 2 * buckets) {
    const xs = Array.from({ length: maxStep }, (_, i) => i + 1);
    const ys = runs.map((r) => {
      const y = new Array<ChartValue>(maxStep).fill(undefined);
      r.steps.forEach((s, i) => (y[s - 1] = shown(r.losses[i]!)));
      return y;
    });
    return [xs, ...ys];
  }
  const xs: number[] = [];
  for (let b = 0; b < buckets; b++) {
    const first = Math.ceil((b * maxStep) / buckets) + 1;
    const next = Math.ceil(((b + 1) * maxStep) / buckets) + 1;
    xs.push(first, Math.max(first + 1, Math.floor((first + next) / 2)));
  }
  const ys = runs.map((r) => {
    const y = new Array<ChartValue>(2 * buckets).fill(undefined);
    minMaxPerBucket(r, maxStep, buckets).forEach((kept, b) =>
      kept.forEach((i, slot) => (y[2 * b + slot] = shown(r.losses[i]!))),
    );
    return y;
  });
  return [xs, ...ys];
}
