import { describe, expect, it } from 'vitest';
import {
  computeLandscape,
  contourLevels,
  contourSegments,
  gradAt,
  lossAt,
  rangeAround,
  sgdStabilityLimit,
  trainableCount,
  type LandscapeProblem,
} from '#core/landscape';
import { fromRows } from '#core/matrix';
import { lossAndGradsRef } from '#core/reference';

const x = fromRows(Array.from({ length: 6 }, () => [1, 1, 0, 0, 0, 0, 1, 1]));
const y = fromRows(Array.from({ length: 6 }, () => [0, 1, 0, 0, 0, -1, 0]));
const d2l: LandscapeProblem = {
  x,
  y,
  kh: 1,
  kw: 2,
  bias: 0,
  useBias: false,
  mode: 'correlate',
  activation: 'none',
  loss: 'sum',
};

describe('loss landscape', () => {
  it('counts trainable parameters', () => {
    expect(trainableCount(1, 2, false)).toBe(2);
    expect(trainableCount(1, 1, true)).toBe(2);
    expect(trainableCount(1, 2, true)).toBe(3);
  });

  it('has its minimum at [1, −1] for the d2l case, with zero loss', () => {
    const land = computeLandscape(d2l, { x0: 0, x1: 2, y0: -2, y1: 0 }, 41);
    expect(land.argmin[0]).toBeCloseTo(1, 10);
    expect(land.argmin[1]).toBeCloseTo(-1, 10);
    expect(land.min).toBeCloseTo(0, 10);
    expect(land.max).toBeGreaterThan(10);
  });

  it('matches lossAndGradsRef at every sample', () => {
    const land = computeLandscape(d2l, { x0: -1, x1: 3, y0: -2.5, y1: 0.5 }, 9);
    for (let j = 0; j < 9; j++) {
      for (let i = 0; i < 9; i++) {
        const w1 = -1 + (4 * i) / 8;
        const w2 = -2.5 + (3 * j) / 8;
        const ref = lossAndGradsRef(x, y, [w1, w2], 1, 2, 0, d2l).loss;
        expect(land.values[j * 9 + i]).toBeCloseTo(ref, 9);
      }
    }
    // The golden trajectory's first loss: init [0.3, 0.2] → 14.58.
    expect(lossAt(d2l, 0.3, 0.2)).toBeCloseTo(14.58, 9);
  });

  it('treats (w, b) as the axes for a 1×1 kernel with bias', () => {
    const p: LandscapeProblem = {
      ...d2l,
      kw: 1,
      useBias: true,
      y: fromRows(Array.from({ length: 6 }, () => [3, 3, 1, 1, 1, 1, 3, 3])),
    };
    // y = 2·x + 1 exactly.
    expect(lossAt(p, 2, 1)).toBeCloseTo(0, 12);
    const [gw, gb] = gradAt(p, 0, 0);
    const ref = lossAndGradsRef(x, p.y, [0], 1, 1, 0, p);
    expect(gw).toBeCloseTo(ref.gradW[0], 12);
    expect(gb).toBeCloseTo(ref.gradB, 12);
  });

  it('refuses problems without exactly two trainable parameters', () => {
    expect(() => lossAt({ ...d2l, useBias: true }, 0, 0)).toThrow(/two trainable/);
  });

  it('gives SGD’s stability limit 2/λmax = 1/30 for the d2l case', () => {
    // Hessian = [[36, 24], [24, 36]] → λmax = 60.
    expect(sgdStabilityLimit(d2l, [1, -1])).toBeCloseTo(1 / 30, 6);
  });

  it('builds a padded square range around points', () => {
    const r = rangeAround([
      [0.3, 0.2],
      [1, -1],
    ]);
    expect(r.x1 - r.x0).toBeCloseTo(r.y1 - r.y0, 12);
    expect(r.x0).toBeLessThan(0.3);
    expect(r.y0).toBeLessThan(-1);
    expect(rangeAround([[Number.NaN, 1]])).toEqual({ x0: -1, x1: 1, y0: -1, y1: 1 });
  });

  it('draws contour segments of a radial bowl where the level is crossed', () => {
    const n = 21;
    const values = new Float64Array(n * n);
    for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) values[j * n + i] = (i - 10) ** 2 + (j - 10) ** 2;
    const segs = contourSegments(values, n, 25);
    expect(segs.length).toBeGreaterThan(0);
    expect(segs.length % 4).toBe(0);
    for (let s = 0; s < segs.length; s += 2) {
      const r = Math.hypot(segs[s] - 10, segs[s + 1] - 10);
      expect(r).toBeGreaterThan(4.5);
      expect(r).toBeLessThan(5.5);
    }
    const levels = contourLevels(0, 100, 5);
    expect(levels).toHaveLength(5);
    expect(levels.every((l, k) => k === 0 || l > levels[k - 1])).toBe(true);
  });
});
