/**
 * The full Conv2D layer on the CPU: C input channels, O output channels, stride, zero padding
 * and dilation. X is zero-padded once into a scratch copy, so every window reads in bounds;
 * each output row is then accumulated in float64, input channel by channel and kernel row by
 * kernel row, with the same row primitives as the single-channel path (dense rows when the
 * column stride and dilation are 1). The single-channel "valid" layer dispatches to today's
 * fast path (`forwardCpu`, `lossAndGradsCpu`) unchanged.
 */
import type { ConvSpec } from '../layer';
import { isSingleChannelValid, outputShape } from '../layer';
import { lossScale } from '../optimizers';
import type { LossKind } from '../types';
import type { Tensor3, Weights } from '../tensor';
import { channel, kernelOf } from '../tensor';
import { X_NAME, checkInto, checkLayerForward, checkTensor3, rejectNonFinite } from '../validate';
import { forwardCpu } from './forward';
import type { CpuKernels } from '../wasm/layer';
import { wasmForwardLayer } from '../wasm/layer';
import {
  addGrad3x3,
  addGradRow,
  addGradRowStrided,
  addKernel3x3,
  addKernelRow,
  addKernelRowStrided,
} from './rows';

/** X with `padding` zeros on every side (X itself when there is none). */
export function padTensor(x: Tensor3, padding: readonly [number, number]): Tensor3 {
  const [ph, pw] = padding;
  if (ph === 0 && pw === 0) return x;
  const rows = x.rows + 2 * ph;
  const cols = x.cols + 2 * pw;
  const data = new Float32Array(x.channels * rows * cols);
  for (let c = 0; c < x.channels; c++)
    for (let r = 0; r < x.rows; r++) {
      const from = (c * x.rows + r) * x.cols;
      data.set(x.data.subarray(from, from + x.cols), (c * rows + r + ph) * cols + pw);
    }
  return { channels: x.channels, rows, cols, data };
}

/** The weights as slid, in float64: K, or each kh×kw kernel rotated 180° for convolution. */
export function slidWeights(
  w: ArrayLike<number>,
  spec: ConvSpec,
  out: Float64Array = new Float64Array(w.length),
): Float64Array {
  const size = spec.kernel[0] * spec.kernel[1];
  const count = spec.outChannels * spec.inChannels;
  for (let k = 0; k < count; k++) {
    const base = k * size;
    if (spec.mode === 'convolve') for (let t = 0; t < size; t++) out[base + t] = w[base + size - 1 - t];
    else for (let t = 0; t < size; t++) out[base + t] = w[base + t];
  }
  return out;
}

/**
 * Walks the kernel rows under output row i of channel o over padded X: in the forward
 * direction acc += Σ_c Σ_a (kernel row · window); in the gradient direction
 * grad += (residual row d · window) per tap. Both read the same windows in the same order.
 */
function sweepRow(
  forward: boolean,
  w: Float64Array,
  row: Float64Array,
  xp: Tensor3,
  spec: ConvSpec,
  o: number,
  i: number,
  ow: number,
): void {
  const [kh, kw] = spec.kernel;
  const [sh, sw] = spec.stride;
  const [dh, dw] = spec.dilation;
  const dense = sw === 1 && dw === 1;
  const whole3x3 = dense && kh === 3 && kw === 3;
  for (let c = 0; c < spec.inChannels; c++) {
    const wBase = (o * spec.inChannels + c) * kh * kw;
    if (whole3x3) {
      const xOff = (c * xp.rows + i * sh) * xp.cols;
      if (forward) addKernel3x3(row, xp.data, xOff, dh * xp.cols, w, wBase, ow);
      else addGrad3x3(w, wBase, row, xp.data, xOff, dh * xp.cols, ow);
      continue;
    }
    for (let a = 0; a < kh; a++) {
      const xOff = (c * xp.rows + i * sh + a * dh) * xp.cols;
      const wOff = wBase + a * kw;
      if (forward) {
        if (dense) addKernelRow(row, xp.data, xOff, w, wOff, kw, ow);
        else addKernelRowStrided(row, xp.data, xOff, w, wOff, kw, ow, sw, dw);
      } else if (dense) addGradRow(w, wOff, row, xp.data, xOff, kw, ow);
      else addGradRowStrided(w, wOff, row, xp.data, xOff, kw, ow, sw, dw);
    }
  }
}

/** acc (one output row of channel o, length ow) += Σ_c Σ_a the kernel rows' windows over padded X. */
export function accumulateRow(
  acc: Float64Array,
  xp: Tensor3,
  w: Float64Array,
  spec: ConvSpec,
  o: number,
  i: number,
  ow: number,
): void {
  sweepRow(true, w, acc, xp, spec, o, i, ow);
}

/** gradW (slid layout) += the filter gradient of one output row's residual d (channel o, row i). */
export function accumulateGradRow(
  gradW: Float64Array,
  d: Float64Array,
  xp: Tensor3,
  spec: ConvSpec,
  o: number,
  i: number,
  ow: number,
): void {
  sweepRow(false, gradW, d, xp, spec, o, i, ow);
}

/**
 * One layer forward pass on the CPU: O×Ho×Wo; throws a KernelStudioError on bad input. With
 * unit stride it runs the WebAssembly SIMD program where it can (`kernels: 'auto'`). Y goes into
 * `into` where given (O·Ho·Wo floats: the previous Y of the same shape), else into a new array.
 */
export function forwardLayerCpu(
  x: Tensor3,
  w: Weights,
  bias: ArrayLike<number>,
  spec: ConvSpec,
  kernels: CpuKernels = 'auto',
  into?: Float32Array,
): Tensor3 {
  const wasm = kernels === 'auto';
  const { rows: oh, cols: ow } = checkLayerForward(x, w, bias, spec, !wasm);
  checkInto(into, spec.outChannels * oh * ow);
  if (wasm) {
    const nonFinite = (): never => rejectNonFinite(x, X_NAME);
    const y = wasmForwardLayer(x, slidWeights(w.data, spec), bias, spec, { into, nonFinite });
    if (y) return y;
    checkTensor3(x, X_NAME);
  }
  if (isSingleChannelValid(spec)) {
    const y = forwardCpu(
      channel(x, 0),
      kernelOf(w, 0, 0),
      { mode: spec.mode, bias: bias[0], activation: spec.activation },
      'js',
      into,
    );
    return { channels: 1, rows: y.rows, cols: y.cols, data: y.data };
  }
  const xp = padTensor(x, spec.padding);
  const weff = slidWeights(w.data, spec);
  const relu = spec.activation === 'relu';
  const out = into ?? new Float32Array(spec.outChannels * oh * ow);
  const acc = new Float64Array(ow);
  for (let o = 0; o < spec.outChannels; o++)
    for (let i = 0; i < oh; i++) {
      acc.fill(bias[o]);
      accumulateRow(acc, xp, weff, spec, o, i, ow);
      const rowOff = (o * oh + i) * ow;
      if (relu) for (let j = 0; j < ow; j++) out[rowOff + j] = acc[j] > 0 ? acc[j] : 0;
      else for (let j = 0; j < ow; j++) out[rowOff + j] = acc[j];
    }
  return { channels: spec.outChannels, rows: oh, cols: ow, data: out };
}

/** Scratch for one layer training evaluation, reused across steps. */
export interface LayerStepBuffers {
  readonly acc: Float64Array;
  readonly dRow: Float64Array;
}

/**
 * The loss at slid weights `w` and biases `bias`, ∂L/∂w (slid layout) into `gradW`
 * and ∂L/∂b into `gradB`. `xp` is X already padded. Each output row is finished (forward,
 * residual, gradient) while its image rows are in cache.
 */
export function layerLossAndGradsCpu(
  xp: Tensor3,
  y: Tensor3,
  w: Float64Array,
  bias: ArrayLike<number>,
  spec: ConvSpec,
  loss: LossKind,
  gradW: Float64Array,
  gradB: Float64Array,
  buffers: LayerStepBuffers,
): number {
  const oh = y.rows;
  const ow = y.cols;
  const relu = spec.activation === 'relu';
  const { acc, dRow } = buffers;
  const yd = y.data;
  gradW.fill(0);
  let squares = 0;
  for (let o = 0; o < spec.outChannels; o++) {
    let sumD = 0;
    for (let i = 0; i < oh; i++) {
      acc.fill(bias[o]);
      accumulateRow(acc, xp, w, spec, o, i, ow);
      const yOff = (o * oh + i) * ow;
      for (let j = 0; j < ow; j++) {
        const z = acc[j];
        const r = (relu && z <= 0 ? 0 : z) - yd[yOff + j];
        squares += r * r;
        const d = relu && z <= 0 ? 0 : r;
        dRow[j] = d;
        sumD += d;
      }
      accumulateGradRow(gradW, dRow, xp, spec, o, i, ow);
    }
    gradB[o] = sumD;
  }
  // d/dout of Σr² is 2r; the mean divides loss and gradients by the number of outputs.
  const scale = lossScale(loss, spec.outChannels * oh * ow);
  const gradScale = 2 * scale;
  for (let t = 0; t < gradW.length; t++) gradW[t] *= gradScale;
  for (let t = 0; t < gradB.length; t++) gradB[t] *= gradScale;
  return squares * scale;
}

/** The output shape for scratch sizing (validated elsewhere). */
export function layerStepBuffers(spec: ConvSpec, x: Tensor3): LayerStepBuffers {
  const { cols } = outputShape(spec, x);
  return { acc: new Float64Array(cols), dRow: new Float64Array(cols) };
}
