/**
 * The naive float64 reference of the full Conv2D layer (PyTorch `nn.Conv2d` semantics): the
 * executable definition every layer backend is tested against. One output cell is
 *
 *   Y[o, i, j] = act(b[o] + Σ_c Σ_a Σ_b X[c, i·sh − ph + a·dh, j·sw − pw + b·dw] · K'[o, c, a, b])
 *
 * with X zero outside its H×W and K' = K, or K rotated 180° per (o, c) in convolve mode.
 * Favours obviousness over speed; does not validate (see validate.ts).
 */
import type { ConvSpec } from './layer';
import { outputShape } from './layer';
import type { LayerTrainConfig } from './layer-types';
import type { DivergenceInfo, LossKind } from './types';
import type { Tensor3, Weights } from './tensor';
import { activate, trainLoopRef } from './reference';
import { lossScale } from './optimizers';

/** The value of X[c, r, q], zero outside the image (the padding). */
function at(x: Tensor3, c: number, r: number, q: number): number {
  if (r < 0 || r >= x.rows || q < 0 || q >= x.cols) return 0;
  return x.data[(c * x.rows + r) * x.cols + q];
}

/** The weight index of tap (a, b) of kernel (o, c) that the window applies: rotated 180° in convolve mode. */
function tapIndex(spec: ConvSpec, o: number, c: number, a: number, b: number): number {
  const [kh, kw] = spec.kernel;
  const ra = spec.mode === 'convolve' ? kh - 1 - a : a;
  const rb = spec.mode === 'convolve' ? kw - 1 - b : b;
  return ((o * spec.inChannels + c) * kh + ra) * kw + rb;
}

/** Pre-activation outputs (O×Ho×Wo, flat) of weights `w` (stored layout) and biases `bias`. */
function preActivation(
  x: Tensor3,
  w: ArrayLike<number>,
  bias: ArrayLike<number>,
  spec: ConvSpec,
): Float64Array {
  const { rows: oh, cols: ow } = outputShape(spec, x);
  const [kh, kw] = spec.kernel;
  const out = new Float64Array(spec.outChannels * oh * ow);
  for (let o = 0; o < spec.outChannels; o++)
    for (let i = 0; i < oh; i++)
      for (let j = 0; j < ow; j++) {
        let sum = bias[o];
        for (let c = 0; c < spec.inChannels; c++)
          for (let a = 0; a < kh; a++)
            for (let b = 0; b < kw; b++) {
              const r = i * spec.stride[0] - spec.padding[0] + a * spec.dilation[0];
              const q = j * spec.stride[1] - spec.padding[1] + b * spec.dilation[1];
              sum += at(x, c, r, q) * w[tapIndex(spec, o, c, a, b)];
            }
        out[(o * oh + i) * ow + j] = sum;
      }
  return out;
}

/** One layer forward pass: O×Ho×Wo row-major, float64. */
export function layerForwardRef(
  x: Tensor3,
  w: Weights,
  bias: ArrayLike<number>,
  spec: ConvSpec,
): Float64Array {
  const y = preActivation(x, w.data, bias, spec);
  for (let i = 0; i < y.length; i++) y[i] = activate(y[i], spec.activation);
  return y;
}

export interface LayerLossAndGrads {
  readonly loss: number;
  /** ∂L/∂W in the stored layout, O×C×kh×kw. */
  readonly gradW: Float64Array;
  /** ∂L/∂b, O values (zeros when the bias is not learned). */
  readonly gradB: Float64Array;
}

/** The loss of one forward pass against Y and its gradients, by the chain rule written out. */
export function layerLossAndGradsRef(
  x: Tensor3,
  y: Tensor3,
  w: ArrayLike<number>,
  bias: ArrayLike<number>,
  spec: ConvSpec,
  opts: { readonly loss: LossKind; readonly useBias: boolean },
): LayerLossAndGrads {
  const pre = preActivation(x, w, bias, spec);
  const n = pre.length;
  const scale = lossScale(opts.loss, n);
  const dPre = new Float64Array(n);
  let loss = 0;
  for (let p = 0; p < n; p++) {
    const residual = activate(pre[p], spec.activation) - y.data[p];
    loss += residual * residual;
    const passes = spec.activation !== 'relu' || pre[p] > 0;
    dPre[p] = passes ? 2 * residual * scale : 0;
  }
  const { rows: oh, cols: ow } = outputShape(spec, x);
  const [kh, kw] = spec.kernel;
  const gradW = new Float64Array(spec.outChannels * spec.inChannels * kh * kw);
  const gradB = new Float64Array(spec.outChannels);
  for (let o = 0; o < spec.outChannels; o++)
    for (let i = 0; i < oh; i++)
      for (let j = 0; j < ow; j++) {
        const d = dPre[(o * oh + i) * ow + j];
        if (opts.useBias) gradB[o] += d;
        for (let c = 0; c < spec.inChannels; c++)
          for (let a = 0; a < kh; a++)
            for (let b = 0; b < kw; b++) {
              const r = i * spec.stride[0] - spec.padding[0] + a * spec.dilation[0];
              const q = j * spec.stride[1] - spec.padding[1] + b * spec.dilation[1];
              gradW[tapIndex(spec, o, c, a, b)] += d * at(x, c, r, q);
            }
      }
  return { loss: loss * scale, gradW, gradB };
}

export interface LayerTrainRefResult {
  /** `losses[i]` is the loss of step i+1, before that step's update. */
  readonly losses: number[];
  /** O×C×kh×kw, stored layout. */
  readonly weight: Float64Array;
  readonly bias: Float64Array;
  readonly diverged?: DivergenceInfo;
}

/** Full-batch training of the layer over the parameter vector [W…, b…] (the same loop as `trainRef`). */
export function trainLayerRef(config: LayerTrainConfig, steps: number): LayerTrainRefResult {
  const size = config.initWeight.data.length;
  const o = config.spec.outChannels;
  const init = new Float64Array(size + o);
  init.set(config.initWeight.data);
  for (let i = 0; i < o; i++) init[size + i] = config.initBias[i];
  const grads = new Float64Array(size + o);
  const r = trainLoopRef(init, config.optimizer, steps, (params) => {
    const g = layerLossAndGradsRef(
      config.x,
      config.y,
      params.subarray(0, size),
      params.subarray(size),
      config.spec,
      config,
    );
    grads.set(g.gradW);
    grads.set(g.gradB, size);
    return { loss: g.loss, grads };
  });
  return {
    losses: r.losses,
    weight: r.params.slice(0, size),
    bias: r.params.slice(size),
    ...(r.diverged ? { diverged: r.diverged } : {}),
  };
}
