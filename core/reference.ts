/**
 * The naive float64 reference: the executable definition of Kernel Studio's semantics.
 * Every backend (CPU, WebGPU) is tested against these functions, so they favour
 * obviousness over speed. They do not validate input; see `validate.ts`.
 */
import { outputShape, validGeometry } from './layer';
import type { Matrix } from './matrix';
import type {
  Activation,
  DivergenceInfo,
  ForwardParams,
  LossKind,
  Mode,
  OptimizerSpec,
  TrainConfig,
} from './types';
import { DIVERGENCE_LIMIT } from './types';
import { createOptimizer, lossScale } from './optimizers';
import { initialParams } from './train/resume';

/** The kernel actually slid over the image: K itself, or K flipped in both axes for true convolution. */
function slidKernelValues(w: ArrayLike<number>, mode: Mode): Float64Array {
  const n = w.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = mode === 'convolve' ? w[n - 1 - i] : w[i];
  return out;
}

/** 'valid' correlation of X with a kh×kw kernel given as flat row-major values. */
function corr2dFlat(x: Matrix, k: ArrayLike<number>, kh: number, kw: number): Float64Array {
  const { rows: oh, cols: ow } = outputShape(validGeometry({ rows: kh, cols: kw }), x);
  const y = new Float64Array(oh * ow);
  for (let i = 0; i < oh; i++) {
    for (let j = 0; j < ow; j++) {
      let sum = 0;
      for (let a = 0; a < kh; a++) {
        for (let b = 0; b < kw; b++) sum += x.data[(i + a) * x.cols + (j + b)] * k[a * kw + b];
      }
      y[i * ow + j] = sum;
    }
  }
  return y;
}

/** d2l's `corr2d(X, K)`: a (H−kh+1)×(W−kw+1) row-major result; 'convolve' flips K first. */
export function corr2dRef(x: Matrix, k: Matrix, mode: Mode = 'correlate'): Float64Array {
  return corr2dFlat(x, slidKernelValues(k.data, mode), k.rows, k.cols);
}

export function activate(v: number, activation: Activation): number {
  return activation === 'relu' && v <= 0 ? 0 : v;
}

/** One Conv2D layer: `act(corr2d(X, mode(K)) + bias)`. */
export function forwardRef(x: Matrix, k: Matrix, params: ForwardParams): Float64Array {
  const y = corr2dRef(x, k, params.mode);
  for (let i = 0; i < y.length; i++) y[i] = activate(y[i] + params.bias, params.activation);
  return y;
}

export interface LossOptions {
  readonly mode: Mode;
  readonly activation: Activation;
  readonly loss: LossKind;
  /**
   * Whether the bias is learned. When false the bias is a frozen offset: still added
   * in the forward pass (so training matches what the forward view shows), never updated.
   */
  readonly useBias: boolean;
}

export interface LossAndGrads {
  readonly loss: number;
  /** ∂L/∂W for the stored (un-flipped) weight, row-major kh×kw. */
  readonly gradW: Float64Array;
  readonly gradB: number;
}

/**
 * The loss of one forward pass and its gradients, by the chain rule written out.
 * ReLU passes no gradient where the pre-activation is ≤ 0 (PyTorch's choice at 0).
 */
export function lossAndGradsRef(
  x: Matrix,
  y: Matrix,
  w: ArrayLike<number>,
  kh: number,
  kw: number,
  bias: number,
  opts: LossOptions,
): LossAndGrads {
  const pre = corr2dFlat(x, slidKernelValues(w, opts.mode), kh, kw);
  const n = pre.length;
  const scale = lossScale(opts.loss, n);
  const dPre = new Float64Array(n);
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const z = pre[i] + bias;
    const residual = activate(z, opts.activation) - y.data[i];
    loss += residual * residual;
    const passes = opts.activation !== 'relu' || z > 0;
    dPre[i] = passes ? 2 * residual * scale : 0;
  }
  const { rows: oh, cols: ow } = outputShape(validGeometry({ rows: kh, cols: kw }), x);
  // ∂L/∂Keff[a,b] = Σ dPre[i,j]·X[i+a, j+b]: the correlation of X with dPre.
  const gradEff = new Float64Array(kh * kw);
  for (let a = 0; a < kh; a++) {
    for (let b = 0; b < kw; b++) {
      let sum = 0;
      for (let i = 0; i < oh; i++) {
        for (let j = 0; j < ow; j++) sum += dPre[i * ow + j] * x.data[(i + a) * x.cols + (j + b)];
      }
      gradEff[a * kw + b] = sum;
    }
  }
  // Flipping is a permutation, so the stored weight's gradient is the flipped slid gradient.
  const gradW = slidKernelValues(gradEff, opts.mode);
  let gradB = 0;
  if (opts.useBias) for (let i = 0; i < n; i++) gradB += dPre[i];
  return { loss: loss * scale, gradW, gradB };
}

export interface TrainRefResult {
  /** `losses[i]` is the loss of step i+1, computed before that step's update. */
  readonly losses: number[];
  readonly weight: Float64Array;
  readonly bias: number;
  readonly diverged?: DivergenceInfo;
}

function allFinite(values: ArrayLike<number>): boolean {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return false;
  return true;
}

/** The loss at a parameter vector and its gradient (same layout). */
export type Evaluate = (params: Float64Array) => { readonly loss: number; readonly grads: ArrayLike<number> };

export interface TrainLoopResult {
  readonly losses: number[];
  readonly params: Float64Array;
  readonly diverged?: DivergenceInfo;
}

/**
 * The training loop every reference run shares: step t evaluates the loss, then updates.
 * A loss that is non-finite or ≥ DIVERGENCE_LIMIT stops the run before its update; the
 * result then keeps the last parameters that were all finite.
 */
export function trainLoopRef(
  init: ArrayLike<number>,
  optimizerSpec: OptimizerSpec,
  steps: number,
  evaluate: Evaluate,
): TrainLoopResult {
  const params = Float64Array.from(init);
  let lastFinite = new Float64Array(params);
  const grads = new Float64Array(params.length);
  const optimizer = createOptimizer(optimizerSpec, params.length);
  const losses: number[] = [];
  let diverged: DivergenceInfo | undefined;
  for (let t = 1; t <= steps; t++) {
    const r = evaluate(params);
    if (!Number.isFinite(r.loss) || r.loss >= DIVERGENCE_LIMIT) {
      diverged = { step: t, loss: r.loss };
      break;
    }
    losses.push(r.loss);
    grads.set(r.grads);
    optimizer.step(params, grads, t);
    if (allFinite(params)) lastFinite = new Float64Array(params);
  }
  return { losses, params: diverged ? lastFinite : params, ...(diverged ? { diverged } : {}) };
}

/** Full-batch training of one kernel (and bias), as `trainLoopRef` over [W…, b]. */
export function trainRef(config: TrainConfig, steps: number): TrainRefResult {
  const kh = config.initWeight.rows;
  const kw = config.initWeight.cols;
  const size = kh * kw;
  const grads = new Float64Array(size + 1);
  const r = trainLoopRef(initialParams(config), config.optimizer, steps, (params) => {
    const g = lossAndGradsRef(config.x, config.y, params.subarray(0, size), kh, kw, params[size], config);
    grads.set(g.gradW);
    grads[size] = g.gradB;
    return { loss: g.loss, grads };
  });
  return {
    losses: r.losses,
    weight: r.params.slice(0, size),
    bias: r.params[size],
    ...(r.diverged ? { diverged: r.diverged } : {}),
  };
}
