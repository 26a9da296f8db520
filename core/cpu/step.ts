/** One fused training evaluation on the CPU: forward, loss, ∂L/∂Keff and ∂L/∂b in a single sweep. */
import { outputShape, validGeometry } from '../layer';
import type { Matrix } from '../matrix';
import { lossScale } from '../optimizers';
import type { LossKind, TrainConfig } from '../types';
import { slidKernelValues } from './forward';
import type { EvaluateInto } from './evaluation';
import { addGradRow, addKernelRow } from './rows';

/** Scratch buffers reused across steps so a step allocates nothing. */
export interface StepBuffers {
  /** Pre-activation of the current output row. */
  readonly acc: Float64Array;
  /** ∂L/∂pre of the current output row, before the loss scale. */
  readonly dRow: Float64Array;
}

export function createStepBuffers(outCols: number): StepBuffers {
  return { acc: new Float64Array(outCols), dRow: new Float64Array(outCols) };
}

/**
 * Evaluates the loss at kernel `w` (slid, i.e. already flipped for convolution) and
 * writes ∂L/∂w into `gradW`; returns the loss and ∂L/∂b. Each output row is finished
 * (forward, residual, gradient) while its kh image rows are still in cache.
 */
export function lossAndGradsCpu(
  x: Matrix,
  y: Matrix,
  w: Float64Array,
  kh: number,
  kw: number,
  bias: number,
  relu: boolean,
  loss: LossKind,
  gradW: Float64Array,
  buffers: StepBuffers,
): { loss: number; gradB: number } {
  const { rows: oh, cols: ow } = outputShape(validGeometry({ rows: kh, cols: kw }), x);
  const { acc, dRow } = buffers;
  const xd = x.data;
  const yd = y.data;
  gradW.fill(0);
  let squares = 0;
  let sumD = 0;
  for (let i = 0; i < oh; i++) {
    acc.fill(bias);
    for (let a = 0; a < kh; a++) addKernelRow(acc, xd, (i + a) * x.cols, w, a * kw, kw, ow);
    const yOff = i * ow;
    for (let j = 0; j < ow; j++) {
      const z = acc[j];
      const out = relu && z <= 0 ? 0 : z;
      const r = out - yd[yOff + j];
      squares += r * r;
      const d = relu && z <= 0 ? 0 : r;
      dRow[j] = d;
      sumD += d;
    }
    for (let a = 0; a < kh; a++) addGradRow(gradW, a * kw, dRow, xd, (i + a) * x.cols, kw, ow);
  }
  // d/dout of Σr² is 2r; the mean divides loss and gradients by the number of outputs.
  const scale = lossScale(loss, oh * ow);
  const gradScale = 2 * scale;
  for (let t = 0; t < gradW.length; t++) gradW[t] *= gradScale;
  return { loss: squares * scale, gradB: sumD * gradScale };
}

/**
 * The fused single-channel "valid" evaluation in TypeScript (the reference and fallback of the
 * WebAssembly program, which `layerEvaluate` tries first) over [W…, b]: writes ∂L/∂[W…, b] and
 * returns the loss. `x` and `y` must be the run's own copies.
 */
export function singleChannelEvaluate(
  x: Matrix,
  y: Matrix,
  kh: number,
  kw: number,
  opts: Pick<TrainConfig, 'mode' | 'activation' | 'loss' | 'useBias'>,
): EvaluateInto {
  const size = kh * kw;
  const kernel = new Float64Array(size);
  const gradKernel = new Float64Array(size);
  const buffers = createStepBuffers(outputShape(validGeometry({ rows: kh, cols: kw }), x).cols);
  const relu = opts.activation === 'relu';
  const { mode, useBias } = opts;
  return (params, grads) => {
    slidKernelValues(params, size, mode, kernel);
    const r = lossAndGradsCpu(x, y, kernel, kh, kw, params[size], relu, opts.loss, gradKernel, buffers);
    slidKernelValues(gradKernel, size, mode, grads);
    grads[size] = useBias ? r.gradB : 0;
    return r.loss;
  };
}
