/** PyTorch's SGD, SGD-with-momentum and Adam update rules over one flat parameter vector. */
import type { OptimizerSpec } from '../types';

export interface Optimizer {
  /** Applies update number `t` (1-based, Adam's bias correction needs it) in place. */
  step(params: Float64Array, grads: Float64Array, t: number): void;
  /** Momentum's velocity or Adam's m (zeros for SGD): live, so a run can be handed over. */
  readonly moment1: Float64Array;
  /** Adam's v (zeros otherwise). */
  readonly moment2: Float64Array;
}

/** Starting moments of a resumed run (copied); zeros when absent. */
export interface OptimizerMoments {
  readonly moment1: Float64Array;
  readonly moment2: Float64Array;
}

export function createOptimizer(spec: OptimizerSpec, size: number, from?: OptimizerMoments): Optimizer {
  const lr = spec.lr;
  const moment1 = new Float64Array(size);
  const moment2 = new Float64Array(size);
  if (from) {
    moment1.set(from.moment1.subarray(0, size));
    moment2.set(from.moment2.subarray(0, size));
  }
  switch (spec.kind) {
    case 'sgd':
      return {
        moment1,
        moment2,
        step(p, g) {
          for (let i = 0; i < size; i++) p[i] -= lr * g[i];
        },
      };
    case 'momentum': {
      const mu = spec.momentum ?? 0.9;
      const velocity = moment1;
      return {
        moment1,
        moment2,
        step(p, g) {
          for (let i = 0; i < size; i++) {
            velocity[i] = mu * velocity[i] + g[i];
            p[i] -= lr * velocity[i];
          }
        },
      };
    }
    case 'adam': {
      const beta1 = spec.beta1 ?? 0.9;
      const beta2 = spec.beta2 ?? 0.999;
      const eps = spec.eps ?? 1e-8;
      const m = moment1;
      const v = moment2;
      return {
        moment1,
        moment2,
        step(p, g, t) {
          const stepSize = lr / (1 - beta1 ** t);
          const sqrtCorrection2 = Math.sqrt(1 - beta2 ** t);
          for (let i = 0; i < size; i++) {
            m[i] = beta1 * m[i] + (1 - beta1) * g[i];
            v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
            p[i] -= (stepSize * m[i]) / (Math.sqrt(v[i]) / sqrtCorrection2 + eps);
          }
        },
      };
    }
  }
}
