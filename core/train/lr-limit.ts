/**
 * The learning rate above which plain gradient descent diverges on a layer's training problem,
 * for any layer (channels, outputs, stride, padding, dilation): 2 ÷ λmax of the loss' Hessian.
 * Every output channel sees the same patches, so the Hessian is block-diagonal with O copies of
 * 2·AᵀA (÷ O·Ho·Wo for the mean loss), A = the patch matrix (Ho·Wo rows, C·kh·kw columns, and a
 * ones column for a trained bias). Exact without activation; with ReLU, AᵀA bounds the curvature
 * from above, so the limit is safe. Mode does not matter (convolution only reorders columns).
 */
import { windowTaps } from '../layer';
import type { LayerTrainConfig } from '../layer-types';
import { lossScale } from '../optimizers';

/** Above this many matrix entries the patch matrix is not built; the cheaper Frobenius bound is used. */
const MAX_ENTRIES = 2_000_000;

const windowTapsCount = (spec: LayerTrainConfig['spec']): number => spec.kernel[0] * spec.kernel[1];

/** The patch matrix A, row-major (Ho·Wo rows), with a ones column last when the bias is trained. */
function patches(config: LayerTrainConfig, rows: number, cols: number, p: number): Float64Array {
  const { spec, x } = config;
  const a = new Float64Array(rows * cols * p);
  const plane = x.rows * x.cols;
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++) {
      const row = (i * cols + j) * p;
      windowTaps(spec, i, j).forEach((t, tap) => {
        if (t.rows < 0 || t.cols < 0 || t.rows >= x.rows || t.cols >= x.cols) return;
        for (let c = 0; c < spec.inChannels; c++)
          a[row + c * windowTapsCount(spec) + tap] = x.data[c * plane + t.rows * x.cols + t.cols];
      });
      if (config.useBias) a[row + p - 1] = 1;
    }
  return a;
}

/** λmax(AᵀA) by power iteration on an explicit n×p patch matrix (row-major); 0 when AᵀA is 0. */
export function largestEigenvalue(a: Float64Array, n: number, p: number): number {
  let v = new Float64Array(p).fill(1 / Math.sqrt(p));
  let lambda = 0;
  for (let iter = 0; iter < 200; iter++) {
    const w = new Float64Array(p);
    for (let r = 0; r < n; r++) {
      let s = 0;
      for (let c = 0; c < p; c++) s += a[r * p + c] * v[c];
      if (s !== 0) for (let c = 0; c < p; c++) w[c] += a[r * p + c] * s;
    }
    const norm = Math.hypot(...w);
    if (norm === 0) return 0;
    const converged = Math.abs(norm - lambda) <= 1e-9 * norm;
    lambda = norm;
    v = w.map((x) => x / norm);
    if (converged) break;
  }
  return lambda;
}

/** ‖A‖²_F = trace(AᵀA) ≥ λmax(AᵀA), counted without building A: each output cell's taps' squares. */
function frobenius(config: LayerTrainConfig, rows: number, cols: number): number {
  const { spec, x } = config;
  const plane = x.rows * x.cols;
  let sum = 0;
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++) {
      for (const t of windowTaps(spec, i, j)) {
        if (t.rows < 0 || t.cols < 0 || t.rows >= x.rows || t.cols >= x.cols) continue;
        for (let c = 0; c < spec.inChannels; c++) sum += x.data[c * plane + t.rows * x.cols + t.cols] ** 2;
      }
      if (config.useBias) sum += 1;
    }
  return sum;
}

/**
 * The lr past which plain gradient descent diverges on `config` (momentum's limit is higher, so
 * this one is safe for it too), or null when the loss has no curvature (X all zeros, no bias).
 * Large problems get the Frobenius bound: a lower, still convergent limit.
 */
export function layerLrLimit(config: LayerTrainConfig): number | null {
  const { rows, cols } = config.y;
  const n = rows * cols;
  const p = config.spec.inChannels * windowTapsCount(config.spec) + (config.useBias ? 1 : 0);
  const lambda =
    n * p > MAX_ENTRIES
      ? frobenius(config, rows, cols)
      : largestEigenvalue(patches(config, rows, cols, p), n, p);
  const hessianMax = 2 * lambda * lossScale(config.loss, config.spec.outChannels * n);
  return hessianMax > 0 ? 2 / hessianMax : null;
}
