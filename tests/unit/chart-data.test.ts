import { describe, expect, it } from 'vitest';
import { mulberry32 } from '#core/random';
import { chartData, minMaxPerBucket, type ChartPoints } from '../../renderer/src/lib/train/chart-data';

/** A noisy falling loss over steps 1…n, with one spike and one dip placed by the test. */
function run(n: number, seed: number, spikeAt: number, dipAt: number): ChartPoints {
  const next = mulberry32(seed);
  const steps = Array.from({ length: n }, (_, i) => i + 1);
  const losses = steps.map((s) => 1 / s + 0.01 * next());
  losses[spikeAt - 1] = 50;
  losses[dipAt - 1] = -50;
  return { steps, losses };
}

describe('chartData: the loss chart draws O(width) points, not O(points)', () => {
  it('keeps, per bucket, the least and the greatest loss of the points in it, in step order', () => {
    const r = run(1000, 1, 337, 731);
    const kept = minMaxPerBucket(r, 1000, 10);
    kept.forEach((indices, b) => {
      const inBucket = r.losses.slice(b * 100, b * 100 + 100);
      const values = indices.map((i) => r.losses[i]);
      expect(Math.min(...values)).toBe(Math.min(...inBucket));
      expect(Math.max(...values)).toBe(Math.max(...inBucket));
      expect(indices).toEqual([...indices].sort((a, c) => a - c));
    });
    expect(kept[3]!.map((i) => r.losses[i])).toContain(50);
    expect(kept[7]!.map((i) => r.losses[i])).toContain(-50);
  });

  it('20 runs of 100 000 points on a 560-pixel plot: 1120 x values, every spike and dip still drawn', () => {
    const runs = Array.from({ length: 20 }, (_, k) =>
      run(100_000, k + 1, 1000 + 4999 * k, 99_000 - 4001 * k),
    );
    const [xs, ...ys] = chartData(runs, 560, false);
    expect(xs.length).toBe(1120);
    expect(xs.every((x, i) => i === 0 || x > xs[i - 1]!)).toBe(true);
    expect(xs[0]).toBe(1);
    expect(xs[xs.length - 1]).toBeLessThanOrEqual(100_000);
    ys.forEach((y, k) => {
      expect(y.length).toBe(1120);
      const drawn = y.filter((v): v is number => typeof v === 'number');
      expect(Math.max(...drawn)).toBe(50);
      expect(Math.min(...drawn)).toBe(-50);
      // The last bucket's extremes are the run's extremes over its last steps.
      const last = runs[k]!.losses.slice(-Math.floor(100_000 / 560));
      expect(Math.min(...(y.slice(-2) as number[]))).toBe(Math.min(...last));
    });
  });

  it('a short run is given exactly; runs of different lengths leave no point (undefined), the log scale a gap (null)', () => {
    const a = { steps: [1, 2, 3], losses: [4, 0, 2] };
    const b = { steps: [1, 2], losses: [3, 1] };
    expect(chartData([a, b], 560, true)).toEqual([
      [1, 2, 3],
      [4, null, 2],
      [3, 1, undefined],
    ]);
    expect(chartData([], 560, false)).toEqual([[]]);
  });
});
