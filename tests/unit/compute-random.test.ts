import { describe, expect, it } from 'vitest';
import { mulberry32, randomKernel, randomMatrix } from '#core/random';

describe('seeded randomness', () => {
  it('replays exactly from a seed and differs across seeds', () => {
    expect(Array.from(randomMatrix(4, 5, 42).data)).toEqual(Array.from(randomMatrix(4, 5, 42).data));
    expect(Array.from(randomMatrix(4, 5, 42).data)).not.toEqual(Array.from(randomMatrix(4, 5, 43).data));
  });

  it('stays in [0, 1) with a mean near 1/2', () => {
    const next = mulberry32(7);
    let sum = 0;
    for (let i = 0; i < 100_000; i++) {
      const v = next();
      expect(v >= 0 && v < 1).toBe(true);
      sum += v;
    }
    expect(sum / 100_000).toBeCloseTo(0.5, 2);
  });

  it('initialises kernels within ±1/√fan_in like PyTorch Conv2d', () => {
    const k = randomKernel(5, 5, 1);
    const bound = 1 / 5;
    expect([k.rows, k.cols]).toEqual([5, 5]);
    expect(Array.from(k.data).every((v) => Math.abs(v) <= bound)).toBe(true);
    expect(Math.max(...Array.from(k.data).map(Math.abs))).toBeGreaterThan(bound / 2);
  });

  it('maps into [lo, hi)', () => {
    const m = randomMatrix(50, 50, 3, -2, 3);
    expect(Array.from(m.data).every((v) => v >= -2 && v < 3)).toBe(true);
  });
});
