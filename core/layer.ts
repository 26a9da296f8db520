/**
 * The one description of a Conv2D layer (PyTorch `nn.Conv2d` semantics) and the one owner of
 * its output-shape formula. Every engine, the CLI and the app ask this file how big Y is;
 * nobody writes `H − kh + 1` inline.
 */
import { KernelStudioError } from './errors';
import type { Activation, Mode } from './types';
import { BOUNDS, MAX_ARRAY_VALUES } from './bounds';
import { LIMITS } from './types';

/** A per-axis value, `[rows, cols]`. */
export type Pair = readonly [number, number];

/** Where the window goes: kernel size, stride, zero padding and dilation, each `[rows, cols]`. */
export interface ConvGeometry {
  /** `[kh, kw]`. */
  readonly kernel: Pair;
  readonly stride: Pair;
  /** Zeros added on each side (top and bottom, left and right). */
  readonly padding: Pair;
  /** Gap between taps: 1 is a dense kernel, 2 skips every other pixel. */
  readonly dilation: Pair;
}

/** A whole layer: X is inChannels×H×W, the weight outChannels×inChannels×kh×kw, the bias outChannels. */
export interface ConvSpec extends ConvGeometry {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly mode: Mode;
  readonly activation: Activation;
}

export interface Shape2 {
  readonly rows: number;
  readonly cols: number;
}

/** Bounds a layer may take (checked before any allocation). */
export const LAYER_LIMITS = {
  maxChannels: BOUNDS.channels.max,
  /** Values in one array read from a file (an image stack or a weight). */
  maxValues: MAX_ARRAY_VALUES,
  maxStride: BOUNDS.stride.max,
  maxPadding: BOUNDS.padding.max,
  maxDilation: BOUNDS.dilation.max,
} as const;

const ONE: Pair = [1, 1];
const ZERO: Pair = [0, 0];

/** A layer with PyTorch's defaults (stride 1, no padding, dilation 1, one channel in and out) for what is not given. */
export function convSpec(fields: Partial<ConvSpec> & Pick<ConvSpec, 'kernel'>): ConvSpec {
  return {
    inChannels: 1,
    outChannels: 1,
    stride: ONE,
    padding: ZERO,
    dilation: ONE,
    mode: 'correlate',
    activation: 'none',
    ...fields,
  };
}

/** The d2l "valid" window of a kernel: stride 1, no padding, dilation 1. */
export function validGeometry(kernel: Shape2): ConvGeometry {
  return { kernel: [kernel.rows, kernel.cols], stride: ONE, padding: ZERO, dilation: ONE };
}

/** One axis of the output-shape formula with its numbers: n, k, s, p, d, the numerator and the result. */
export interface OutputLengthTerms {
  readonly n: number;
  readonly k: number;
  readonly stride: number;
  readonly padding: number;
  readonly dilation: number;
  /** n + 2p − d·(k − 1) − 1. */
  readonly numerator: number;
  /** ⌊numerator / s⌋ + 1. */
  readonly length: number;
}

/** PyTorch's output length along one axis, with its terms: ⌊(n + 2p − d·(k − 1) − 1) / s⌋ + 1 (≤ 0 when nothing fits). */
export function outputLengthTerms(
  n: number,
  k: number,
  stride: number,
  padding: number,
  dilation: number,
): OutputLengthTerms {
  const numerator = n + 2 * padding - dilation * (k - 1) - 1;
  return { n, k, stride, padding, dilation, numerator, length: Math.floor(numerator / stride) + 1 };
}

/** PyTorch's output length along one axis: ⌊(n + 2p − d·(k − 1) − 1) / s⌋ + 1 (≤ 0 when nothing fits). */
export function outputLength(
  n: number,
  k: number,
  stride: number,
  padding: number,
  dilation: number,
): number {
  return outputLengthTerms(n, k, stride, padding, dilation).length;
}

/** The formula for one axis written out with its numbers: `⌊(8 + 2·0 − 1·(3 − 1) − 1) / 3⌋ + 1 = 2`. */
export function outputLengthText(t: OutputLengthTerms): string {
  return `⌊(${t.n} + 2·${t.padding} − ${t.dilation}·(${t.k} − 1) − 1) / ${t.stride}⌋ + 1 = ${t.length}`;
}

/** The output shape's two axes with their terms (rows, then cols). */
export function outputShapeTerms(
  geometry: ConvGeometry,
  input: Shape2,
): readonly [OutputLengthTerms, OutputLengthTerms] {
  const { kernel, stride, padding, dilation } = geometry;
  return [
    outputLengthTerms(input.rows, kernel[0], stride[0], padding[0], dilation[0]),
    outputLengthTerms(input.cols, kernel[1], stride[1], padding[1], dilation[1]),
  ];
}

/** Ho×Wo of a layer on an H×W input; a side is ≤ 0 when the (dilated) kernel does not fit the padded input. */
export function outputShape(geometry: ConvGeometry, input: Shape2): Shape2 {
  const [rows, cols] = outputShapeTerms(geometry, input);
  return { rows: rows.length, cols: cols.length };
}

/**
 * Multiply-adds of one forward pass of a layer onto an oh×ow output: every output cell of every
 * output channel takes C·kh·kw products (O·C·kh·kw·oh·ow in all).
 */
export function multiplyAdds(
  spec: Pick<ConvSpec, 'inChannels' | 'outChannels' | 'kernel'>,
  output: Shape2,
): number {
  return spec.outChannels * output.rows * output.cols * spec.inChannels * spec.kernel[0] * spec.kernel[1];
}

/** `multiplyAdds` as its terms, "O × C × Ho × Wo × kh × kw = 64 × 64 × 482 × 482 × 31 × 31", for a message. */
export function multiplyAddsTerms(
  spec: Pick<ConvSpec, 'inChannels' | 'outChannels' | 'kernel'>,
  output: Shape2,
): string {
  const terms = [spec.outChannels, spec.inChannels, output.rows, output.cols, spec.kernel[0], spec.kernel[1]];
  return `O × C × Ho × Wo × kh × kw = ${terms.join(' × ')}`;
}

/** The "valid" output of a kernel on an input, (H−kh+1)×(W−kw+1), or null when the kernel is larger in an axis. */
export function validOutputShape(input: Shape2, kernel: Shape2): Shape2 | null {
  const shape = outputShape(validGeometry(kernel), input);
  return shape.rows >= 1 && shape.cols >= 1 ? shape : null;
}

/** The extent of the dilated kernel, d·(k − 1) + 1, per axis. */
export function kernelExtent(geometry: ConvGeometry): Pair {
  const { kernel, dilation } = geometry;
  return [dilation[0] * (kernel[0] - 1) + 1, dilation[1] * (kernel[1] - 1) + 1];
}

/** Whether this is d2l's single-channel "valid" layer (the fast path of today's engine). */
export function isSingleChannelValid(spec: ConvSpec): boolean {
  return (
    spec.inChannels === 1 &&
    spec.outChannels === 1 &&
    spec.stride[0] === 1 &&
    spec.stride[1] === 1 &&
    spec.padding[0] === 0 &&
    spec.padding[1] === 0 &&
    spec.dilation[0] === 1 &&
    spec.dilation[1] === 1
  );
}

/**
 * The padding that keeps H×W at stride 1 ("same"): (d·(k − 1)) / 2 per axis. Exact only for an
 * odd extent; for an even one PyTorch pads asymmetrically, which a symmetric pad cannot, so
 * this returns null for that axis' kernel.
 */
export function samePadding(geometry: Pick<ConvGeometry, 'kernel' | 'dilation'>): Pair | null {
  const total0 = geometry.dilation[0] * (geometry.kernel[0] - 1);
  const total1 = geometry.dilation[1] * (geometry.kernel[1] - 1);
  if (total0 % 2 !== 0 || total1 % 2 !== 0) return null;
  return [total0 / 2, total1 / 2];
}

function pairText(p: Pair): string {
  return p[0] === p[1] ? String(p[0]) : `(${p[0]}, ${p[1]})`;
}

function checkPair(p: Pair | undefined, name: string, min: number, max: number): void {
  const ok =
    Array.isArray(p) &&
    p.length === 2 &&
    p.every((v) => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max);
  if (!ok)
    throw new KernelStudioError(
      'invalid-argument',
      `The ${name} is ${Array.isArray(p) ? `[${p.join(', ')}]` : String(p)}: it must be two whole numbers ${max === Infinity ? `≥ ${min}` : `from ${min} to ${max}`} (rows, cols).`,
    );
}

function checkCount(v: number, name: string): void {
  if (!Number.isInteger(v) || v < 1 || v > LAYER_LIMITS.maxChannels)
    throw new KernelStudioError(
      'invalid-argument',
      `The number of ${name} is ${v}: it must be a whole number from 1 to ${LAYER_LIMITS.maxChannels}.`,
    );
}

/** Checks the layer's own fields (not yet against an input): channels, kernel, stride, padding, dilation, mode, activation. */
export function checkConvSpec(spec: ConvSpec): void {
  checkCount(spec.inChannels, 'input channels');
  checkCount(spec.outChannels, 'output channels');
  checkPair(spec.kernel, 'kernel size', 1, Infinity);
  const [kh, kw] = spec.kernel;
  if (kh > LIMITS.maxKernelSide || kw > LIMITS.maxKernelSide)
    throw new KernelStudioError(
      'too-large',
      `The kernel K is ${kh}×${kw}, over the limit of ${LIMITS.maxKernelSide}×${LIMITS.maxKernelSide}.`,
    );
  checkPair(spec.stride, 'stride', BOUNDS.stride.min, BOUNDS.stride.max);
  checkPair(spec.padding, 'padding', BOUNDS.padding.min, BOUNDS.padding.max);
  checkPair(spec.dilation, 'dilation', BOUNDS.dilation.min, BOUNDS.dilation.max);
  checkModeAndActivation(spec);
}

/** Checks the two words every layer has (shared with the single-channel checks in validate.ts). */
export function checkModeAndActivation(p: { readonly mode: Mode; readonly activation: Activation }): void {
  if (p.mode !== 'correlate' && p.mode !== 'convolve')
    throw new KernelStudioError(
      'invalid-argument',
      `Unknown mode "${String(p.mode)}": use correlate or convolve.`,
    );
  if (p.activation !== 'none' && p.activation !== 'relu')
    throw new KernelStudioError(
      'invalid-argument',
      `Unknown activation "${String(p.activation)}": use none or relu.`,
    );
}

/**
 * The output shape of the layer on an H×W input, or a one-line error saying why there is none:
 * the dilated kernel must fit inside the padded input.
 */
export function layerOutputShape(spec: ConvSpec, input: Shape2): Shape2 {
  checkConvSpec(spec);
  const shape = outputShape(spec, input);
  if (shape.rows < 1 || shape.cols < 1) {
    const [eh, ew] = kernelExtent(spec);
    const [kh, kw] = spec.kernel;
    const spans = eh !== kh || ew !== kw ? ` (${eh}×${ew} with dilation ${pairText(spec.dilation)})` : '';
    const padded = `${input.rows + 2 * spec.padding[0]}×${input.cols + 2 * spec.padding[1]}`;
    const where =
      spec.padding[0] === 0 && spec.padding[1] === 0
        ? `the image X is only ${padded}`
        : `the image X padded by ${pairText(spec.padding)} is only ${padded}`;
    throw new KernelStudioError(
      'kernel-too-large',
      `Kernel K is ${kh}×${kw}${spans} but ${where}: the kernel must fit inside the padded image.`,
    );
  }
  return shape;
}

/**
 * Where the taps of the window behind output cell (row, col) sit on X: tap (i, j) reads
 * X[row·s₀ − p₀ + i·d₀][col·s₁ − p₁ + j·d₁]. A tap outside X (negative, or past its size)
 * reads the zero padding. Row-major over the kernel.
 */
export function windowTaps(geometry: ConvGeometry, row: number, col: number): Shape2[] {
  const { kernel, stride, padding, dilation } = geometry;
  const taps: Shape2[] = [];
  for (let i = 0; i < kernel[0]; i++)
    for (let j = 0; j < kernel[1]; j++)
      taps.push({
        rows: row * stride[0] - padding[0] + i * dilation[0],
        cols: col * stride[1] - padding[1] + j * dilation[1],
      });
  return taps;
}
