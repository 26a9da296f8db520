/**
 * The optimizers and the loss scale, each defined once: PyTorch's SGD, SGD with momentum
 * (dampening 0) and Adam. Every engine reads these definitions: the CPU trainers run `update`,
 * the float64 reference trains with it, the validator checks the hyperparameters' bounds, and
 * the GPU programs take the host's float64 `coefficients` and `scalars` as uniforms (in
 * `UPDATE_COEFFICIENTS` order), so no engine derives a bias correction of its own. Adding an
 * optimizer is a compiler-guided change: `OPTIMIZERS` must define it and every engine's switch
 * over `OptimizerKind` ends in `kind satisfies never`.
 */
import { KernelStudioError } from './errors';
import type { LossKind, OptimizerKind, OptimizerSpec } from './types';

/** The hyperparameters an `OptimizerSpec` may set (the learning rate aside). */
export type HyperparameterName = Exclude<keyof OptimizerSpec, 'kind' | 'lr'>;

export interface Hyperparameter {
  /** PyTorch's default. */
  readonly default: number;
  /** Accepted values: from `min` (included when `inclusiveMin`) to below `max`. */
  readonly min: number;
  readonly max: number;
  readonly inclusiveMin: boolean;
  /** How an error message names it. */
  readonly label: string;
}

export const HYPERPARAMETERS = {
  momentum: { default: 0.9, min: 0, max: 1, inclusiveMin: true, label: 'The momentum' },
  beta1: { default: 0.9, min: 0, max: 1, inclusiveMin: true, label: 'Adam beta1' },
  beta2: { default: 0.999, min: 0, max: 1, inclusiveMin: true, label: 'Adam beta2' },
  eps: { default: 1e-8, min: 0, max: Infinity, inclusiveMin: false, label: 'Adam epsilon' },
} as const satisfies Record<HyperparameterName, Hyperparameter>;

/** A hyperparameter's value in a spec, or its default. */
export function hyperparameter(spec: OptimizerSpec, name: HyperparameterName): number {
  return spec[name] ?? HYPERPARAMETERS[name].default;
}

/**
 * A run's constant update coefficients, computed once in float64:
 * moment1 ← decay1·moment1 + gain1·g, moment2 ← decay2·moment2 + gain2·g² (unused ones are 0).
 */
export interface UpdateCoefficients {
  readonly decay1: number;
  readonly gain1: number;
  readonly decay2: number;
  readonly gain2: number;
  readonly eps: number;
}

/** The order in which GPU programs declare the coefficients as uniforms. */
export const UPDATE_COEFFICIENTS = [
  'decay1',
  'gain1',
  'decay2',
  'gain2',
  'eps',
] as const satisfies readonly (keyof UpdateCoefficients)[];

/**
 * The scalars of update t (1-based), in float64: the parameter moves by
 * stepSize·d / (√moment2 / sqrtCorrection2 + eps) for Adam, stepSize·d otherwise
 * (d the gradient for SGD, moment1 for momentum and Adam).
 */
export interface StepScalars {
  readonly stepSize: number;
  readonly sqrtCorrection2: number;
}

export interface OptimizerDefinition {
  /** The hyperparameters it reads (a form shows these; the validator checks every one given). */
  readonly hyperparameters: readonly HyperparameterName[];
  coefficients(spec: OptimizerSpec): UpdateCoefficients;
  scalars(spec: OptimizerSpec, t: number): StepScalars;
  /** The CPU update of `size` parameters in place (moments live in m1, m2). */
  update(
    c: UpdateCoefficients,
    s: StepScalars,
    p: Float64Array,
    g: ArrayLike<number>,
    m1: Float64Array,
    m2: Float64Array,
    size: number,
  ): void;
}

const NO_COEFFICIENTS: UpdateCoefficients = { decay1: 0, gain1: 0, decay2: 0, gain2: 0, eps: 0 };
const plainStep = (spec: OptimizerSpec): StepScalars => ({ stepSize: spec.lr, sqrtCorrection2: 1 });

export const OPTIMIZERS = {
  sgd: {
    hyperparameters: [],
    coefficients: () => NO_COEFFICIENTS,
    scalars: plainStep,
    update(_c, s, p, g, _m1, _m2, size) {
      const lr = s.stepSize;
      for (let i = 0; i < size; i++) p[i] -= lr * g[i];
    },
  },
  momentum: {
    hyperparameters: ['momentum'],
    coefficients: (spec) => ({ ...NO_COEFFICIENTS, decay1: hyperparameter(spec, 'momentum'), gain1: 1 }),
    scalars: plainStep,
    update(c, s, p, g, velocity, _m2, size) {
      const { decay1: mu } = c;
      const lr = s.stepSize;
      for (let i = 0; i < size; i++) {
        velocity[i] = mu * velocity[i] + g[i];
        p[i] -= lr * velocity[i];
      }
    },
  },
  adam: {
    hyperparameters: ['beta1', 'beta2', 'eps'],
    coefficients(spec) {
      const beta1 = hyperparameter(spec, 'beta1');
      const beta2 = hyperparameter(spec, 'beta2');
      return {
        decay1: beta1,
        gain1: 1 - beta1,
        decay2: beta2,
        gain2: 1 - beta2,
        eps: hyperparameter(spec, 'eps'),
      };
    },
    scalars(spec, t) {
      return {
        stepSize: spec.lr / (1 - hyperparameter(spec, 'beta1') ** t),
        sqrtCorrection2: Math.sqrt(1 - hyperparameter(spec, 'beta2') ** t),
      };
    },
    update(c, s, p, g, m, v, size) {
      const { decay1, gain1, decay2, gain2, eps } = c;
      const { stepSize, sqrtCorrection2 } = s;
      for (let i = 0; i < size; i++) {
        m[i] = decay1 * m[i] + gain1 * g[i];
        v[i] = decay2 * v[i] + gain2 * g[i] * g[i];
        p[i] -= (stepSize * m[i]) / (Math.sqrt(v[i]) / sqrtCorrection2 + eps);
      }
    },
  },
} as const satisfies Record<OptimizerKind, OptimizerDefinition>;

/** The definition of a spec's optimizer. */
export function optimizerOf(spec: OptimizerSpec): OptimizerDefinition {
  return OPTIMIZERS[spec.kind];
}

/** The factor every squared residual (and so every gradient) is scaled by: `sum` 1, `mean` 1/n over n output cells. */
export function lossScale(kind: LossKind, n: number): number {
  switch (kind) {
    case 'sum':
      return 1;
    case 'mean':
      return 1 / n;
    default:
      throw new KernelStudioError('invalid-argument', `Unknown loss "${String(kind satisfies never)}".`);
  }
}

/** A run's optimizer over one flat parameter vector: the definition's update with the run's moments. */
export interface Optimizer {
  /** Applies update number `t` (1-based, Adam's bias correction needs it) in place. */
  step(params: Float64Array, grads: ArrayLike<number>, t: number): void;
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
  const moment1 = new Float64Array(size);
  const moment2 = new Float64Array(size);
  if (from) {
    moment1.set(from.moment1.subarray(0, size));
    moment2.set(from.moment2.subarray(0, size));
  }
  const definition = optimizerOf(spec);
  const coefficients = definition.coefficients(spec);
  return {
    moment1,
    moment2,
    step(p, g, t) {
      definition.update(coefficients, definition.scalars(spec, t), p, g, moment1, moment2, size);
    },
  };
}
