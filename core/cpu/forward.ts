/** The CPU forward pass: act(corr2d(X, mode(K)) + bias), validated, float64-accumulated. */
import { convSpec, outputShape, validGeometry } from '../layer';
import { tensorOfMatrix } from '../tensor';
import type { CpuKernels } from '../wasm/layer';
import { wasmForwardLayer } from '../wasm/layer';
import type { Matrix } from '../matrix';
import type { ForwardParams, Mode } from '../types';
import {
  X_NAME,
  checkForward,
  checkForwardParams,
  checkInto,
  checkMatrix,
  rejectNonFinite,
} from '../validate';
import { addKernelRow, correlate3x3Into } from './rows';

/** The kernel as slid over the image, in float64: K, or K flipped in both axes for convolution. */
export function slidKernelValues(
  k: ArrayLike<number>,
  size: number,
  mode: Mode,
  out: Float64Array = new Float64Array(size),
): Float64Array {
  for (let i = 0; i < size; i++) out[i] = mode === 'convolve' ? k[size - 1 - i] : k[i];
  return out;
}

/**
 * Correlates X with a slid kernel into `out` (oh×ow), one output row at a time:
 * each row is accumulated in float64 tap-row by tap-row, then biased and activated
 * (3×3 kernels take a one-pass path with the same arithmetic: `correlate3x3Into`).
 */
export function correlateInto(
  x: Matrix,
  w: Float64Array,
  kh: number,
  kw: number,
  bias: number,
  relu: boolean,
  out: Float32Array,
): void {
  const { rows: oh, cols: ow } = outputShape(validGeometry({ rows: kh, cols: kw }), x);
  if (kh === 3 && kw === 3) {
    correlate3x3Into(out, x.data, x.cols, oh, w, bias, relu);
    return;
  }
  const acc = new Float64Array(ow);
  for (let i = 0; i < oh; i++) {
    acc.fill(bias);
    for (let a = 0; a < kh; a++) addKernelRow(acc, x.data, (i + a) * x.cols, w, a * kw, kw, ow);
    const rowOff = i * ow;
    if (relu) for (let j = 0; j < ow; j++) out[rowOff + j] = acc[j] > 0 ? acc[j] : 0;
    else for (let j = 0; j < ow; j++) out[rowOff + j] = acc[j];
  }
}

/**
 * One Conv2D layer on the CPU; throws a KernelStudioError on bad input. Runs the WebAssembly
 * SIMD program where it can (`kernels: 'auto'`), else the TypeScript loops below. Y goes into
 * `into` where given (Ho·Wo floats: the previous Y of the same shape), else into a new array.
 */
export function forwardCpu(
  x: Matrix,
  k: Matrix,
  params: ForwardParams,
  kernels: CpuKernels = 'auto',
  into?: Float32Array,
): Matrix {
  const wasm = kernels === 'auto';
  checkForward(x, k, !wasm);
  checkForwardParams(params);
  const { rows, cols } = outputShape(validGeometry(k), x);
  checkInto(into, rows * cols);
  const w = slidKernelValues(k.data, k.data.length, params.mode);
  if (wasm) {
    const spec = convSpec({ kernel: [k.rows, k.cols], activation: params.activation });
    const nonFinite = (): never => rejectNonFinite(x, X_NAME);
    const y = wasmForwardLayer(tensorOfMatrix(x), w, [params.bias], spec, { into, nonFinite });
    if (y) return { rows, cols, data: y.data };
    checkMatrix(x, X_NAME);
  }
  const data = into ?? new Float32Array(rows * cols);
  correlateInto(x, w, k.rows, k.cols, params.bias, params.activation === 'relu', data);
  return { rows, cols, data };
}

/** d2l's `corr2d(X, K)` ('valid'), or true convolution with mode 'convolve'. */
export function corr2dCpu(x: Matrix, k: Matrix, mode: Mode = 'correlate'): Matrix {
  return forwardCpu(x, k, { mode, bias: 0, activation: 'none' });
}
