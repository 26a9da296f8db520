/** PyTorch's SGD, SGD-with-momentum and Adam update rules over one flat parameter vector. */
import type { OptimizerSpec } from '../types';

export interface Optimizer {
  /** Applies update number `t` (1-based, Adam's bias correction needs it) in place. */
  step(params: Float64Array, grads: Float64Array, t: number): void;
}

export function createOptimizer(spec: OptimizerSpec, size: number): Optimizer {
  const lr = spec.lr;
  switch (spec.kind) {
    case 'sgd':
      return {
        step(p, g) {
          for (let i = 0; i < size; i++) p[i] -= lr * g[i];
        },
      };
    case 'momentum': {
      const mu = spec.momentum ?? 0.9;
      const velocity = new Float64Array(size);
      return {
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
      const m = new Float64Array(size);
      const v = new Float64Array(size);
      return {
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
