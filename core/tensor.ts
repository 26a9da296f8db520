/**
 * Multi-channel grids beside `Matrix`: an image X or an output Y as C×H×W (`Tensor3`), a
 * layer's weight as O×C×kh×kw (`Weights`), both dense, row-major, float32. A `Matrix` is
 * one channel of a `Tensor3`; `channel()` views it without copying. `NdArray` is what
 * files hold (any rank), before it is known to be an image or a weight.
 */
import { KernelStudioError } from './errors';
import type { Matrix } from './matrix';

export interface Tensor3 {
  readonly channels: number;
  readonly rows: number;
  readonly cols: number;
  readonly data: Float32Array;
}

export interface Weights {
  readonly outChannels: number;
  readonly inChannels: number;
  readonly rows: number;
  readonly cols: number;
  readonly data: Float32Array;
}

/** A dense row-major array of any rank, as read from a file (`.npy`, nested JSON). */
export interface NdArray {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

export function zeros3(channels: number, rows: number, cols: number): Tensor3 {
  return { channels, rows, cols, data: new Float32Array(channels * rows * cols) };
}

/** A matrix as a one-channel tensor (shares its data). */
export function tensorOfMatrix(m: Matrix): Tensor3 {
  return { channels: 1, rows: m.rows, cols: m.cols, data: m.data };
}

/** Channel `c` as a Matrix view (shares the data). */
export function channel(t: Tensor3, c: number): Matrix {
  const size = t.rows * t.cols;
  return { rows: t.rows, cols: t.cols, data: t.data.subarray(c * size, (c + 1) * size) };
}

/** A kh×kw kernel as a 1×1×kh×kw weight (shares its data). */
export function weightsOfMatrix(k: Matrix): Weights {
  return { outChannels: 1, inChannels: 1, rows: k.rows, cols: k.cols, data: k.data };
}

/** The kernel for output `o`, input `c` as a Matrix view. */
export function kernelOf(w: Weights, o: number, c: number): Matrix {
  const size = w.rows * w.cols;
  const at = (o * w.inChannels + c) * size;
  return { rows: w.rows, cols: w.cols, data: w.data.subarray(at, at + size) };
}

export function toNested3(t: Tensor3): number[][][] {
  return Array.from({ length: t.channels }, (_, c) => {
    const m = channel(t, c);
    return Array.from({ length: m.rows }, (_, r) =>
      Array.from(m.data.subarray(r * m.cols, (r + 1) * m.cols)),
    );
  });
}

export function toNested4(w: Weights): number[][][][] {
  return Array.from({ length: w.outChannels }, (_, o) =>
    toNested3({
      channels: w.inChannels,
      rows: w.rows,
      cols: w.cols,
      data: w.data.subarray(o * w.inChannels * w.rows * w.cols, (o + 1) * w.inChannels * w.rows * w.cols),
    }),
  );
}

/** An array of rank 2 (one channel) or 3 (C×H×W) as a Tensor3; `name` prefixes the error. */
export function tensor3Of(a: NdArray, name: string): Tensor3 {
  const s = a.shape;
  if (s.length === 2) return { channels: 1, rows: s[0], cols: s[1], data: a.data };
  if (s.length === 3) return { channels: s[0], rows: s[1], cols: s[2], data: a.data };
  throw new KernelStudioError(
    'unsupported',
    `${name} has ${s.length} dimensions (shape ${shapeText(s)}); an image is H×W or C×H×W.`,
  );
}

/** An array of rank 2 (kh×kw), 3 (C×kh×kw, one output) or 4 (O×C×kh×kw) as Weights. */
export function weightsOf(a: NdArray, name: string): Weights {
  const s = a.shape;
  if (s.length === 2) return { outChannels: 1, inChannels: 1, rows: s[0], cols: s[1], data: a.data };
  if (s.length === 3) return { outChannels: 1, inChannels: s[0], rows: s[1], cols: s[2], data: a.data };
  if (s.length === 4) return { outChannels: s[0], inChannels: s[1], rows: s[2], cols: s[3], data: a.data };
  throw new KernelStudioError(
    'unsupported',
    `${name} has ${s.length} dimensions (shape ${shapeText(s)}); a kernel is kh×kw, C×kh×kw or O×C×kh×kw.`,
  );
}

export function shapeText(shape: readonly number[]): string {
  return shape.join('×');
}

/** Nested arrays of the given rank (the nesting is the array's, ragged or non-finite input is refused). */
export function toNested(a: NdArray): unknown[] {
  const build = (dim: number, offset: number): unknown[] => {
    const n = a.shape[dim];
    if (dim === a.shape.length - 1) return Array.from(a.data.subarray(offset, offset + n));
    const stride = a.shape.slice(dim + 1).reduce((x, y) => x * y, 1);
    return Array.from({ length: n }, (_, i) => build(dim + 1, offset + i * stride));
  };
  return build(0, 0);
}

/**
 * Parses nested arrays of numbers of any rank from 1 to 4 into an NdArray, with the same
 * one-line messages as `matrixFromRows` (empty, ragged, not a number, non-finite), giving
 * the position as an index path. `maxValues` bounds the total size before allocation.
 */
export function ndArrayFromNested(value: unknown, name: string, maxValues: number): NdArray {
  const shape: number[] = [];
  let probe: unknown = value;
  while (Array.isArray(probe)) {
    if (probe.length === 0) throw new KernelStudioError('empty', `${name} is empty.`);
    shape.push(probe.length);
    if (shape.length > 4) break;
    probe = probe[0];
  }
  if (shape.length === 0 || shape.length > 4)
    throw new KernelStudioError(
      'invalid-argument',
      `${name} must be nested lists of numbers with 1 to 4 dimensions.`,
    );
  const count = shape.reduce((x, y) => x * y, 1);
  if (count > maxValues)
    throw new KernelStudioError(
      'too-large',
      `${name} is ${shapeText(shape)} (${count} values), over the limit of ${maxValues} values.`,
    );
  const data = new Float32Array(count);
  let at = 0;
  const path: number[] = [];
  const where = (): string => `[${path.join('][')}]`;
  const walk = (node: unknown, dim: number): void => {
    if (dim === shape.length) {
      if (typeof node !== 'number')
        throw new KernelStudioError('invalid-argument', `${name}${where()} is not a number.`);
      if (!Number.isFinite(node))
        throw new KernelStudioError('non-finite', `${name}${where()} is ${node}: values must be finite.`);
      data[at++] = node;
      return;
    }
    if (!Array.isArray(node))
      throw new KernelStudioError('invalid-argument', `${name}${where()} is not a list.`);
    if (node.length !== shape[dim])
      throw new KernelStudioError(
        'ragged',
        `${name}${where()} has ${node.length} entries but the first has ${shape[dim]}.`,
      );
    for (let i = 0; i < node.length; i++) {
      path.push(i);
      walk(node[i], dim + 1);
      path.pop();
    }
  };
  walk(value, 0);
  return { shape, data };
}
