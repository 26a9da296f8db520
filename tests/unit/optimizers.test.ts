/**
 * core/optimizers.ts against PyTorch's update rules written plainly (torch.optim's docs), and the
 * loss scale. Every engine runs these definitions, so this is where they meet an independent oracle.
 */
import { describe, expect, it } from 'vitest';
import { HYPERPARAMETERS, createOptimizer, lossScale, optimizerOf } from '#core/optimizers';
import { OPTIMIZER_KINDS, type OptimizerSpec } from '#core/types';
import { checkTrainConfig } from '#core/validate';
import { randomMatrix } from '#core/random';

/** torch.optim: SGD (momentum 0 or μ, dampening 0) and Adam (amsgrad off), over `steps` gradients. */
function torchLike(spec: OptimizerSpec, init: number[], grads: number[][]): number[] {
  const p = [...init];
  const m = p.map(() => 0);
  const v = p.map(() => 0);
  grads.forEach((g, index) => {
    const t = index + 1;
    for (let i = 0; i < p.length; i++) {
      if (spec.kind === 'sgd') p[i] -= spec.lr * g[i];
      else if (spec.kind === 'momentum') {
        m[i] = (t === 1 ? 0 : 0.9 * m[i]) + g[i];
        p[i] -= spec.lr * m[i];
      } else {
        m[i] = 0.9 * m[i] + 0.1 * g[i];
        v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i];
        const mHat = m[i] / (1 - 0.9 ** t);
        const vHat = v[i] / (1 - 0.999 ** t);
        p[i] -= (spec.lr * mHat) / (Math.sqrt(vHat) + 1e-8);
      }
    }
  });
  return p;
}

describe('the optimizers, defined once', () => {
  const grads = Array.from({ length: 8 }, (_, s) => Array.from(randomMatrix(1, 5, 40 + s, -2, 2).data));
  const init = Array.from(randomMatrix(1, 5, 7, -1, 1).data);
  it.each(OPTIMIZER_KINDS)('%s takes PyTorch’s steps with its default hyperparameters', (kind) => {
    const spec: OptimizerSpec = { kind, lr: 0.03 };
    const p = Float64Array.from(init);
    const optimizer = createOptimizer(spec, p.length);
    grads.forEach((g, i) => optimizer.step(p, g, i + 1));
    const expected = torchLike(spec, init, grads);
    for (let i = 0; i < p.length; i++) expect(p[i]).toBeCloseTo(expected[i], 12);
  });

  it('Adam’s step-size and bias correction are float64 scalars of t', () => {
    const spec: OptimizerSpec = { kind: 'adam', lr: 0.1, beta1: 0.8, beta2: 0.99 };
    expect(optimizerOf(spec).scalars(spec, 3)).toEqual({
      stepSize: 0.1 / (1 - 0.8 ** 3),
      sqrtCorrection2: Math.sqrt(1 - 0.99 ** 3),
    });
    expect(optimizerOf({ kind: 'momentum', lr: 0.1 }).scalars({ kind: 'momentum', lr: 0.1 }, 3)).toEqual({
      stepSize: 0.1,
      sqrtCorrection2: 1,
    });
  });

  it('the validator takes each hyperparameter’s bounds from its definition', () => {
    const x = randomMatrix(4, 4, 1);
    const config = {
      x,
      y: randomMatrix(3, 3, 2),
      mode: 'correlate',
      activation: 'none',
      useBias: true,
      loss: 'sum',
      initWeight: randomMatrix(2, 2, 3),
      initBias: 0,
    } as const;
    for (const [name, h] of Object.entries(HYPERPARAMETERS)) {
      const at = (value: number) => () =>
        checkTrainConfig({ ...config, optimizer: { kind: 'adam', lr: 0.1, [name]: value } });
      expect(at(h.max)).toThrow(`${h.label} is ${h.max}`);
      if (h.inclusiveMin) expect(at(h.min)).not.toThrow();
      else expect(at(h.min)).toThrow(`${h.label} is ${h.min}`);
    }
  });

  it('the loss scale: 1 for the sum, 1/n for the mean, an error for anything else', () => {
    expect(lossScale('sum', 42)).toBe(1);
    expect(lossScale('mean', 42)).toBe(1 / 42);
    expect(() => lossScale('max' as never, 42)).toThrow('Unknown loss "max"');
  });
});
