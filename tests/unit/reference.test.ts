import { describe, expect, it } from 'vitest';
import { fromRows } from '#core/matrix';
import { corr2dRef, forwardRef, lossAndGradsRef, trainRef } from '#core/reference';
import type { TrainConfig } from '#core/types';
import { expectAllClose } from '../helpers/golden';
import { configFromCase, forwardCases, trainCases } from './compute-fixtures';

describe('reference: golden forward cases', () => {
  it('has forward cases to check', () => expect(forwardCases.length).toBeGreaterThan(0));
  for (const c of forwardCases) {
    it(c.name, () => {
      const y = forwardRef(fromRows(c.x), fromRows(c.k), {
        mode: c.mode,
        bias: c.bias,
        activation: c.activation,
      });
      expectAllClose(y, c.expected.y.flat(), c.tolerance, c.name);
    });
  }
});

describe('reference: golden training trajectories', () => {
  it('has train cases to check', () => expect(trainCases.length).toBeGreaterThan(0));
  for (const c of trainCases) {
    it(c.name, () => {
      const r = trainRef(configFromCase(c), c.steps);
      expect(r.diverged).toBeUndefined();
      expectAllClose(r.losses, c.expected.loss, c.tolerance, `${c.name} loss`);
      expectAllClose(r.weight, c.expected.weight.flat(), c.tolerance, `${c.name} weight`);
      expectAllClose([r.bias], [c.expected.bias], c.tolerance, `${c.name} bias`);
    });
  }
});

describe('reference: semantics', () => {
  it('convolve equals correlate with the kernel flipped in both axes', () => {
    const x = fromRows([
      [1, 2, 3, 4],
      [5, 6, 7, 8],
      [9, 10, 11, 12],
    ]);
    const k = fromRows([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const flipped = fromRows([
      [6, 5, 4],
      [3, 2, 1],
    ]);
    expect(Array.from(corr2dRef(x, k, 'convolve'))).toEqual(Array.from(corr2dRef(x, flipped)));
  });

  it('gradients match central finite differences (convolve, relu, bias, mean)', () => {
    const x = fromRows([
      [0.3, -1.2, 0.8, 0.1, 0.5],
      [1.1, 0.4, -0.7, 0.9, -0.2],
      [-0.5, 0.6, 0.2, -1.0, 0.7],
      [0.9, -0.3, 1.3, 0.4, -0.6],
    ]);
    const y = fromRows([
      [0.2, 0.1, 0.0],
      [0.5, 0.0, 0.3],
    ]);
    const w = [0.4, -0.3, 0.2, 0.1, 0.6, -0.5, 0.3, 0.2, -0.1];
    const opts = { mode: 'convolve', activation: 'relu', loss: 'mean', useBias: true } as const;
    const r = lossAndGradsRef(x, y, w, 3, 3, 0.05, opts);
    const h = 1e-6;
    for (let i = 0; i < w.length; i++) {
      const plus = w.slice();
      const minus = w.slice();
      plus[i] += h;
      minus[i] -= h;
      const numeric =
        (lossAndGradsRef(x, y, plus, 3, 3, 0.05, opts).loss -
          lossAndGradsRef(x, y, minus, 3, 3, 0.05, opts).loss) /
        (2 * h);
      expect(r.gradW[i]).toBeCloseTo(numeric, 5);
    }
    const numericB =
      (lossAndGradsRef(x, y, w, 3, 3, 0.05 + h, opts).loss -
        lossAndGradsRef(x, y, w, 3, 3, 0.05 - h, opts).loss) /
      (2 * h);
    expect(r.gradB).toBeCloseTo(numericB, 5);
  });

  it('without a learned bias the bias gradient is 0 and the bias stays put', () => {
    const c = configFromCase(trainCases[0]);
    const r = trainRef({ ...c, useBias: false, initBias: 0.25 }, 5);
    expect(r.bias).toBe(0.25);
  });

  it('stops before the update of the step whose loss diverges and keeps finite weights', () => {
    const c = configFromCase(trainCases[0]);
    const r = trainRef({ ...c, optimizer: { kind: 'sgd', lr: 1e6 } }, 100);
    expect(r.diverged).toBeDefined();
    const step = r.diverged!.step;
    expect(r.losses.length).toBe(step - 1);
    expect(r.losses.every((l) => Number.isFinite(l) && l < 1e30)).toBe(true);
    expect(Number.isFinite(r.diverged!.loss) && r.diverged!.loss < 1e30).toBe(false);
    expect(Array.from(r.weight).every(Number.isFinite)).toBe(true);
    expect(Number.isFinite(r.bias)).toBe(true);
  });

  it('momentum and Adam follow the PyTorch update rules on one parameter', () => {
    // L = (w·1 − 0)² on a 1×1 image: g = 2w. Hand-rolled PyTorch rules for two steps.
    const base: TrainConfig = {
      x: fromRows([[1]]),
      y: fromRows([[0]]),
      mode: 'correlate',
      activation: 'none',
      useBias: false,
      loss: 'sum',
      optimizer: { kind: 'momentum', lr: 0.1 },
      initWeight: fromRows([[1]]),
      initBias: 0,
    };
    // momentum: v1 = g1 = 2 → w = 0.8; v2 = 0.9·2 + 1.6 = 3.4 → w = 0.46.
    expect(trainRef(base, 2).weight[0]).toBeCloseTo(0.46, 12);
    // Adam: the first bias-corrected step is lr·g/(|g|+eps) ≈ lr regardless of g's size.
    const adam = trainRef({ ...base, optimizer: { kind: 'adam', lr: 0.1 } }, 1);
    expect(adam.weight[0]).toBeCloseTo(0.9, 7);
  });
});
