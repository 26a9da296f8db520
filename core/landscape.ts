/**
 * The loss landscape of a training problem with exactly two trainable parameters
 * (a 1×2 kernel without bias, or a 1×1 kernel with bias): the loss sampled on a grid,
 * contour lines through it, and SGD's stability limit. Pure functions over the
 * float64 reference, so the picture is exactly the loss the trainers minimise.
 */
import type { Matrix } from './matrix';
import { lossAndGradsRef, type LossOptions } from './reference';

export interface LandscapeProblem extends LossOptions {
  readonly x: Matrix;
  readonly y: Matrix;
  /** The learned kernel's shape. */
  readonly kh: number;
  readonly kw: number;
  /** The bias used when it is not trainable (a frozen offset). */
  readonly bias: number;
}

/** The plotted rectangle: p1 along x, p2 along y. */
export interface Range2 {
  readonly x0: number;
  readonly x1: number;
  readonly y0: number;
  readonly y1: number;
}

export interface Landscape {
  readonly range: Range2;
  /** Samples per axis. */
  readonly n: number;
  /** `values[j * n + i]` is the loss at p1 = x0 + i·dx, p2 = y0 + j·dy. */
  readonly values: Float64Array;
  readonly min: number;
  readonly max: number;
  /** The grid point with the smallest loss, as [p1, p2]. */
  readonly argmin: readonly [number, number];
}

/** How many parameters the optimizer updates. */
export function trainableCount(kh: number, kw: number, useBias: boolean): number {
  return kh * kw + (useBias ? 1 : 0);
}

/** The two trainable parameters of a weight/bias pair: (w₁, w₂), or (w, b) with a learned bias. */
export function toParams(weight: ArrayLike<number>, bias: number, useBias: boolean): [number, number] {
  return useBias ? [weight[0], bias] : [weight[0], weight[1]];
}

function split(problem: LandscapeProblem, p1: number, p2: number): { w: number[]; b: number } {
  return problem.useBias ? { w: [p1], b: p2 } : { w: [p1, p2], b: problem.bias };
}

function check(problem: LandscapeProblem): void {
  if (trainableCount(problem.kh, problem.kw, problem.useBias) !== 2)
    throw new Error('The loss landscape needs exactly two trainable parameters.');
}

/** The loss at one point (p1, p2). */
export function lossAt(problem: LandscapeProblem, p1: number, p2: number): number {
  check(problem);
  const { w, b } = split(problem, p1, p2);
  return lossAndGradsRef(problem.x, problem.y, w, problem.kh, problem.kw, b, problem).loss;
}

/** The gradient with respect to the two trainable parameters. */
export function gradAt(problem: LandscapeProblem, p1: number, p2: number): [number, number] {
  check(problem);
  const { w, b } = split(problem, p1, p2);
  const r = lossAndGradsRef(problem.x, problem.y, w, problem.kh, problem.kw, b, problem);
  return problem.useBias ? [r.gradW[0], r.gradB] : [r.gradW[0], r.gradW[1]];
}

/** Samples the loss on an n×n grid over `range`. */
export function computeLandscape(problem: LandscapeProblem, range: Range2, n = 61): Landscape {
  check(problem);
  if (!Number.isInteger(n) || n < 2) throw new Error('A landscape needs at least 2 samples per axis.');
  const values = new Float64Array(n * n);
  let min = Infinity;
  let max = -Infinity;
  let argmin: [number, number] = [range.x0, range.y0];
  for (let j = 0; j < n; j++) {
    const p2 = range.y0 + ((range.y1 - range.y0) * j) / (n - 1);
    for (let i = 0; i < n; i++) {
      const p1 = range.x0 + ((range.x1 - range.x0) * i) / (n - 1);
      const v = lossAt(problem, p1, p2);
      values[j * n + i] = v;
      if (v < min) {
        min = v;
        argmin = [p1, p2];
      }
      if (v > max) max = v;
    }
  }
  return { range, n, values, min, max, argmin };
}

/** A square range holding every point, padded by `pad` of its span and at least ±minHalfSpan wide. */
export function rangeAround(
  points: readonly (readonly [number, number])[],
  minHalfSpan = 1,
  pad = 0.35,
): Range2 {
  const finite = points.filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b));
  if (finite.length === 0) return { x0: -minHalfSpan, x1: minHalfSpan, y0: -minHalfSpan, y1: minHalfSpan };
  const xs = finite.map((p) => p[0]);
  const ys = finite.map((p) => p[1]);
  const cx = (Math.min(...xs) + Math.max(...xs)) / 2;
  const cy = (Math.min(...ys) + Math.max(...ys)) / 2;
  const span = Math.max(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys));
  const half = Math.max(minHalfSpan, (span / 2) * (1 + pad));
  return { x0: cx - half, x1: cx + half, y0: cy - half, y1: cy + half };
}

/** `count` contour levels spaced evenly in log space between min and max (losses are ≥ 0). */
export function contourLevels(min: number, max: number, count = 8): number[] {
  const lo = Math.log(Math.max(min, max * 1e-6, 1e-12));
  const hi = Math.log(Math.max(max, 1e-12));
  if (!(hi > lo)) return [];
  return Array.from({ length: count }, (_, k) => Math.exp(lo + ((hi - lo) * (k + 1)) / (count + 1)));
}

/**
 * Marching squares: the line segments where the sampled field crosses `level`,
 * as a flat list [i0, j0, i1, j1, …] in fractional grid coordinates.
 */
export function contourSegments(values: ArrayLike<number>, n: number, level: number): number[] {
  const out: number[] = [];
  const at = (i: number, j: number) => values[j * n + i];
  const lerp = (a: number, b: number) => (a === b ? 0.5 : (level - a) / (b - a));
  for (let j = 0; j < n - 1; j++) {
    for (let i = 0; i < n - 1; i++) {
      const v00 = at(i, j);
      const v10 = at(i + 1, j);
      const v11 = at(i + 1, j + 1);
      const v01 = at(i, j + 1);
      // Crossing points on the four edges: bottom, right, top, left.
      const pts: number[] = [];
      if (v00 < level !== v10 < level) pts.push(i + lerp(v00, v10), j);
      if (v10 < level !== v11 < level) pts.push(i + 1, j + lerp(v10, v11));
      if (v01 < level !== v11 < level) pts.push(i + lerp(v01, v11), j + 1);
      if (v00 < level !== v01 < level) pts.push(i, j + lerp(v00, v01));
      // 0, 4 or 8 numbers (crossings come in pairs); 8 is a saddle: two segments, edges paired in order.
      out.push(...pts);
    }
  }
  return out;
}

/**
 * The learning rate above which plain SGD diverges near `at`: 2/λmax of the Hessian
 * (exact for a quadratic loss, i.e. without ReLU). Null if the curvature is not positive.
 */
export function sgdStabilityLimit(problem: LandscapeProblem, at: readonly [number, number]): number | null {
  const h = 1e-3;
  const [p1, p2] = at;
  const g1p = gradAt(problem, p1 + h, p2);
  const g1m = gradAt(problem, p1 - h, p2);
  const g2p = gradAt(problem, p1, p2 + h);
  const g2m = gradAt(problem, p1, p2 - h);
  const a = (g1p[0] - g1m[0]) / (2 * h);
  const d = (g2p[1] - g2m[1]) / (2 * h);
  const b = ((g1p[1] - g1m[1]) / (2 * h) + (g2p[0] - g2m[0]) / (2 * h)) / 2;
  const lambdaMax = (a + d) / 2 + Math.sqrt(((a - d) / 2) ** 2 + b * b);
  return lambdaMax > 0 && Number.isFinite(lambdaMax) ? 2 / lambdaMax : null;
}
