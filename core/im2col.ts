/**
 * Cross-correlation as a matrix product (d2l exercise): each output cell is one row
 * of the im2col matrix (the window under the kernel, flattened) times the flattened
 * kernel. Also the written-out sum of products for one output cell.
 */
import {
  outputShape as layerOutputShape,
  validGeometry,
  validOutputShape,
  windowTaps,
  type ConvGeometry,
} from './layer';
import { flip2d, toRows, type Matrix } from './matrix';
import type { Activation, ForwardParams, Mode } from './types';

/** The kernel actually slid over the image: K for correlation, K flipped in both axes for convolution. */
export function slidKernel(k: Matrix, mode: Mode): Matrix {
  return mode === 'convolve' ? flip2d(k) : k;
}

/** (H−kh+1)×(W−kw+1), or null when K is larger than X in either axis. */
export function outputShape(x: Matrix, k: Matrix): { rows: number; cols: number } | null {
  return validOutputShape(x, k);
}

/** The (oh·ow)×(kh·kw) matrix whose row i·ow+j is the window of X under output cell (i, j). */
export function im2col(x: Matrix, kh: number, kw: number): Matrix {
  const { rows: oh, cols: ow } = layerOutputShape(validGeometry({ rows: kh, cols: kw }), x);
  const n = kh * kw;
  const data = new Float32Array(Math.max(0, oh * ow * n));
  for (let i = 0; i < oh; i++)
    for (let j = 0; j < ow; j++)
      for (let a = 0; a < kh; a++)
        for (let b = 0; b < kw; b++) data[(i * ow + j) * n + a * kw + b] = x.data[(i + a) * x.cols + j + b];
  return { rows: Math.max(0, oh * ow), cols: n, data };
}

/** A column vector of the matrix's values, row-major. */
export function flattenColumn(m: Matrix): Matrix {
  return { rows: m.data.length, cols: 1, data: new Float32Array(m.data) };
}

/** Plain matrix product, float64-accumulated. */
export function matmul(a: Matrix, b: Matrix): Matrix {
  const data = new Float32Array(a.rows * b.cols);
  for (let i = 0; i < a.rows; i++)
    for (let j = 0; j < b.cols; j++) {
      let s = 0;
      for (let t = 0; t < a.cols; t++) s += a.data[i * a.cols + t] * b.data[t * b.cols + j];
      data[i * b.cols + j] = s;
    }
  return { rows: a.rows, cols: b.cols, data };
}

/** The im2col view of corr2d: im2col(X) × vec(slid K) = vec(Y), as row arrays for display. */
export interface Im2colProduct {
  readonly cols: number[][];
  readonly w: number[][];
  readonly y: number[][];
}

/** The matrix-product view for X and K, or null when Y is empty or the product is too big to show. */
export function im2colProduct(
  x: Matrix,
  k: Matrix,
  mode: Mode,
  maxOutputs = 64,
  maxTaps = 25,
): Im2colProduct | null {
  const shape = outputShape(x, k);
  if (!shape || shape.rows * shape.cols > maxOutputs || k.rows * k.cols > maxTaps) return null;
  const cols = im2col(x, k.rows, k.cols);
  const w = flattenColumn(slidKernel(k, mode));
  return { cols: toRows(cols), w: toRows(w), y: toRows(matmul(cols, w)) };
}

/** Short decimal for display: up to 4 decimals, no trailing zeros, "-0" shown as "0". */
export function formatValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const abs = Math.abs(v);
  const s = abs !== 0 && (abs >= 1e5 || abs < 1e-3) ? v.toExponential(2) : String(Number(v.toFixed(4)));
  return s === '-0' ? '0' : s;
}

/** One product of the sum: X's value (0 when `pad`: the tap reads the zero padding, not X) and K's. */
export interface Term {
  readonly x: number;
  readonly k: number;
  readonly pad?: boolean;
}

/** How a padding tap's zero is written, so it does not read like a real zero of X. */
export const PAD_TERM = 'pad';

export interface Breakdown {
  readonly terms: readonly Term[];
  readonly sum: number;
  readonly bias: number;
  readonly relu: boolean;
  readonly value: number;
  /** e.g. `0×0 + 1×1 + 3×2 + 4×3 = 19`, then `19 + b = …` and `relu(…) = …` when on. */
  readonly text: string;
}

/** A layer's breakdown: the single-channel one, with each input channel's part. */
export interface LayerBreakdown extends Breakdown {
  readonly channels: readonly ChannelTerms[];
}

function paren(v: number): string {
  const s = formatValue(v);
  return v < 0 ? `(${s})` : s;
}

/** One input channel's part of an output cell: its products and their sum. */
export interface ChannelTerms {
  readonly terms: readonly Term[];
  readonly sum: number;
}

/** A layer's input channels and the kernels of one output channel, with its bias, as the breakdown reads them. */
export interface BreakdownLayer {
  readonly channels: readonly Matrix[];
  /** One kernel per input channel (the output channel's row of the weight). */
  readonly kernels: readonly Matrix[];
  readonly bias: number;
  readonly geometry: Omit<ConvGeometry, 'kernel'>;
  readonly mode: Mode;
  readonly activation: Activation;
}

function writeTerms(terms: readonly Term[]): string {
  const shown = terms.length > 25 ? [...terms.slice(0, 12), null, ...terms.slice(-12)] : terms;
  return shown.map((t) => (t ? `${t.pad ? PAD_TERM : paren(t.x)}×${paren(t.k)}` : '…')).join(' + ');
}

/**
 * The sum of products behind output cell (i, j) of a layer, written out as in d2l's figure:
 * one sum per input channel (a tap in the zero padding reads 0, written `pad`), then the sum over channels,
 * the bias and ReLU. One channel reads `0×0 + 1×1 + 3×2 + 4×3 = 19`; two read
 * `X1: … = 19; X2: … = 37; 19 + 37 = 56`.
 */
export function layerBreakdown(layer: BreakdownLayer, i: number, j: number): LayerBreakdown {
  const k0 = layer.kernels[0];
  const taps = windowTaps({ ...layer.geometry, kernel: [k0.rows, k0.cols] }, i, j);
  const channels = layer.channels.map((x, c): ChannelTerms => {
    const w = slidKernel(layer.kernels[c], layer.mode);
    let sum = 0;
    const terms = taps.map((t, n) => {
      const inside = t.rows >= 0 && t.cols >= 0 && t.rows < x.rows && t.cols < x.cols;
      const term: Term = inside
        ? { x: x.data[t.rows * x.cols + t.cols], k: w.data[n] }
        : { x: 0, k: w.data[n], pad: true };
      sum += term.x * term.k;
      return term;
    });
    return { terms, sum: Math.fround(sum) };
  });
  const sum = Math.fround(channels.reduce((s, c) => s + c.sum, 0));
  const relu = layer.activation === 'relu';
  const biased = Math.fround(sum + layer.bias);
  const value = relu ? Math.max(0, biased) : biased;
  let text =
    channels.length === 1
      ? `${writeTerms(channels[0].terms)} = ${formatValue(sum)}`
      : channels.map((c, n) => `X${n + 1}: ${writeTerms(c.terms)} = ${formatValue(c.sum)}`).join('; ') +
        `; ${channels.map((c) => paren(c.sum)).join(' + ')} = ${formatValue(sum)}`;
  if (layer.bias !== 0)
    text += `; ${formatValue(sum)} + b (${formatValue(layer.bias)}) = ${formatValue(biased)}`;
  if (relu) text += `; relu(${formatValue(biased)}) = ${formatValue(value)}`;
  return { channels, terms: channels.flatMap((c) => c.terms), sum, bias: layer.bias, relu, value, text };
}

/** The single-channel "valid" breakdown (d2l's figure): the layer breakdown of one X and one K. */
export function breakdown(x: Matrix, k: Matrix, i: number, j: number, params: ForwardParams): Breakdown {
  const { kernel: _kernel, ...geometry } = validGeometry(k);
  return layerBreakdown(
    {
      channels: [x],
      kernels: [k],
      bias: params.bias,
      geometry,
      mode: params.mode,
      activation: params.activation,
    },
    i,
    j,
  );
}
