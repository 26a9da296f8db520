/**
 * The exercises of d2l 7.2–7.4 the app can check. Every answer is judged by computing, never by
 * comparing with a stored answer: Y through the reference corr2d, shapes through core/layer's one
 * formula, costs through core/layer's multiply-adds.
 */
import {
  convSpec,
  multiplyAdds,
  outputShape,
  outputShapeTerms,
  validOutputShape,
  type ConvGeometry,
  type ConvSpec,
  type OutputLengthTerms,
  type Shape2,
} from './layer';
import { fromRows, transpose, type Matrix } from './matrix';
import { edgeImage, presetById } from './presets';
import { corr2dRef } from './reference';
import type { Mode } from './types';
import { wholeLayer } from './workspace/model';

// ---- 7.2: diagonal edges --------------------------------------------------------------------

/** What Y shows: nothing, only positive values, only negative values, or both signs. */
export const DIAGONAL_ANSWERS = ['zeros', 'plus', 'minus', 'both'] as const;
export type DiagonalAnswer = (typeof DIAGONAL_ANSWERS)[number];

/** The signs in Y = corr2d(X, K) (0 when K is larger than X). */
export function ySigns(x: Matrix, k: Matrix, mode: Mode = 'correlate'): DiagonalAnswer {
  if (!validOutputShape(x, k)) return 'zeros';
  const y = corr2dRef(x, k, mode);
  const plus = y.some((v) => v > 1e-9);
  const minus = y.some((v) => v < -1e-9);
  return plus && minus ? 'both' : plus ? 'plus' : minus ? 'minus' : 'zeros';
}

/** d2l 7.2 exercise 1: the diagonal image with K, with X transposed, with K transposed (the Explore presets). */
export const DIAGONAL_QUESTIONS = ['diagonal', 'diagonalTransposeX', 'diagonalTransposeK'] as const;
export type DiagonalQuestion = (typeof DIAGONAL_QUESTIONS)[number];

/** The X and K of a diagonal question (the Explore preset of the same id). */
export function diagonalProblem(id: DiagonalQuestion): { x: Matrix; k: Matrix } {
  const p = presetById(id);
  if (!p) throw new Error(`no preset ${id}`);
  const { channels, kernels } = wholeLayer(p.state);
  return { x: channels[0], k: kernels[0][0] };
}

/** Whether `answer` says what Y shows for the question. */
export function checkDiagonal(id: DiagonalQuestion, answer: DiagonalAnswer): boolean {
  const { x, k } = diagonalProblem(id);
  return ySigns(x, k) === answer;
}

// ---- 7.2: a kernel that sees nothing on the transposed image --------------------------------

export type ZeroCheck = 'ok' | 'notTransposedImage' | 'zeroKernel' | 'booksKernel' | 'tooLarge' | 'nonZero';

const sameMatrix = (a: Matrix, b: Matrix): boolean =>
  a.rows === b.rows && a.cols === b.cols && a.data.every((v, i) => v === b.data[i]);

/**
 * "Find a kernel that makes Y all zeros on the transposed image" (other than the book's
 * [1, −1], which does it already): X must be the transposed edge image, K not all zeros.
 */
export function checkZeroOnTransposed(x: Matrix, k: Matrix, mode: Mode): ZeroCheck {
  if (!sameMatrix(x, transpose(edgeImage()))) return 'notTransposedImage';
  if (k.data.every((v) => v === 0)) return 'zeroKernel';
  if (sameMatrix(k, fromRows([[1, -1]]))) return 'booksKernel';
  if (!validOutputShape(x, k)) return 'tooLarge';
  return corr2dRef(x, k, mode).every((v) => Math.abs(v) < 1e-9) ? 'ok' : 'nonZero';
}

// ---- 7.2: learn a kernel for the second derivative ------------------------------------------

export type SecondDerivativeCheck = 'ok' | 'notLearned' | 'wrongSize' | 'notSecondDerivative';

/** The smallest second-difference kernel: f(x − 1) − 2 f(x) + f(x + 1). */
const SECOND_DIFFERENCE = [1, -2, 1];

/**
 * Whether a learned kernel is a second derivative: three taps in a row or a column (the smallest
 * size), proportional to [1, −2, 1] within 5 % of its scale.
 */
export function checkSecondDerivative(learned: Matrix | null): SecondDerivativeCheck {
  if (!learned) return 'notLearned';
  const line = (learned.rows === 1 && learned.cols === 3) || (learned.rows === 3 && learned.cols === 1);
  if (!line) return 'wrongSize';
  const v = Array.from(learned.data);
  const scale = v[0];
  if (Math.abs(scale) < 1e-3) return 'notSecondDerivative';
  const off = Math.max(...v.map((w, i) => Math.abs(w - scale * SECOND_DIFFERENCE[i])));
  return off <= 0.05 * Math.abs(scale) ? 'ok' : 'notSecondDerivative';
}

// ---- 7.3: output shapes ---------------------------------------------------------------------

/** An output-shape exercise: a layer's geometry on an H×W input. */
export interface ShapeExercise {
  readonly id: string;
  readonly input: Shape2;
  readonly geometry: ConvGeometry;
}

export const SHAPE_EXERCISES: readonly ShapeExercise[] = [
  // d2l 7.3 exercise 1: the section's last example.
  {
    id: 'last',
    input: { rows: 8, cols: 8 },
    geometry: { kernel: [3, 5], padding: [0, 1], stride: [3, 4], dilation: [1, 1] },
  },
  {
    id: 'strideNoPad',
    input: { rows: 28, cols: 28 },
    geometry: { kernel: [5, 5], padding: [0, 0], stride: [2, 2], dilation: [1, 1] },
  },
  {
    id: 'dilated',
    input: { rows: 32, cols: 20 },
    geometry: { kernel: [3, 3], padding: [2, 1], stride: [1, 2], dilation: [2, 1] },
  },
];

/** "2×2", "2x2", "(2, 2)", "2 2": a shape typed by the learner; null when it reads as none. */
export function parseShape(text: string): Shape2 | null {
  const m = /^\s*[([]?\s*(\d+)\s*(?:[×x*,]|\s)\s*(\d+)\s*[)\]]?\s*$/i.exec(text);
  return m ? { rows: Number(m[1]), cols: Number(m[2]) } : null;
}

export interface ShapeCheck {
  /** null when the text is not a shape. */
  readonly ok: boolean | null;
  readonly expected: Shape2;
  /** The formula per axis, with its numbers (core/layer's). */
  readonly why: readonly [OutputLengthTerms, OutputLengthTerms];
}

export function checkShape(ex: ShapeExercise, text: string): ShapeCheck {
  const expected = outputShape(ex.geometry, ex.input);
  const why = outputShapeTerms(ex.geometry, ex.input);
  const typed = parseShape(text);
  return { ok: typed ? typed.rows === expected.rows && typed.cols === expected.cols : null, expected, why };
}

// ---- 7.4: the cost of a convolution ---------------------------------------------------------

/** A cost exercise: a layer on an H×W input; the answer is its multiply-adds. */
export interface CostExercise {
  readonly id: string;
  readonly input: Shape2;
  readonly spec: ConvSpec;
}

export const COST_EXERCISES: readonly CostExercise[] = [
  // The section's 2-channel example: 2 in, 1 out, 2×2 kernel on 3×3.
  { id: 'twoChannels', input: { rows: 3, cols: 3 }, spec: convSpec({ kernel: [2, 2], inChannels: 2 }) },
  // A first layer on a colour picture: 3 in, 64 out, 3×3, padding 1, on 32×32.
  {
    id: 'firstLayer',
    input: { rows: 32, cols: 32 },
    spec: convSpec({ kernel: [3, 3], inChannels: 3, outChannels: 64, padding: [1, 1] }),
  },
  // The same layer with stride 2.
  {
    id: 'strided',
    input: { rows: 32, cols: 32 },
    spec: convSpec({ kernel: [3, 3], inChannels: 3, outChannels: 64, padding: [1, 1], stride: [2, 2] }),
  },
];

/** A whole number typed by the learner ("1,769,472", "1 769 472", "1769472"); null when it is none. */
export function parseCount(text: string): number | null {
  const t = text.replace(/[\s,_']/g, '');
  return /^\d+$/.test(t) ? Number(t) : null;
}

export interface CostCheck {
  readonly ok: boolean | null;
  readonly expected: number;
  readonly output: Shape2;
}

export function checkCost(ex: CostExercise, text: string): CostCheck {
  const output = outputShape(ex.spec, ex.input);
  const expected = multiplyAdds(ex.spec, output);
  const typed = parseCount(text);
  return { ok: typed === null ? null : typed === expected, expected, output };
}
