/**
 * Early warning of a run that is blowing up, long before a loss turns
 * non-finite: the loss far above the first step's, or rising several steps in
 * a row to above it. And the likely cause, an lr past 2 ÷ the steepest
 * curvature of the (quadratic) loss.
 */
import { im2col } from '../im2col';
import { lossScale } from '../optimizers';
import { largestEigenvalue } from './lr-limit';
import type { TrainConfig } from '../types';
import { outputShape, validGeometry } from '../layer';

export interface LossPointLike {
  readonly step: number;
  readonly loss: number;
}

export interface LossGrowth {
  /**
   * 'far-above-start': far above the first step's loss; 'rising': rising step after step to above
   * it; 'steady-rise': plain gradient descent's loss rising step after step from its lowest (`low`),
   * which a converging run never does, however slowly it diverges.
   */
  readonly kind: 'far-above-start' | 'rising' | 'steady-rise';
  /** The first step's loss, and the last step's (step, loss) when growth was seen. */
  readonly firstLoss: number;
  readonly step: number;
  readonly loss: number;
  /** For 'steady-rise': the step the loss has risen from at every step since, and its loss. */
  readonly low?: { readonly step: number; readonly loss: number };
}

/**
 * How far above the first step's loss counts as growth, and how many rising steps in a row; a
 * steady rise must also climb more than `noise` × the first loss (rounding near zero does not count).
 */
export const GROWTH = { factor: 100, risingSteps: 5, noise: 1e-9 } as const;

export interface GrowthOptions {
  /**
   * The run is plain gradient descent (no momentum, no Adam), whose loss never rises while it
   * converges: rising `risingSteps` steps in a row is growth even below the first loss.
   */
  readonly monotone?: boolean;
}

/** Growth as of the point before `end` (all points by default), or null. */
export function detectGrowth(
  points: readonly LossPointLike[],
  options: GrowthOptions = {},
  end = points.length,
): LossGrowth | null {
  if (end < 2) return null;
  const firstLoss = points[0].loss;
  const { step, loss } = points[end - 1];
  if (!Number.isFinite(loss)) return null; // non-finite is divergence proper, reported by the trainer
  if (firstLoss > 0 && loss > firstLoss * GROWTH.factor)
    return { kind: 'far-above-start', firstLoss, step, loss };
  let rising = 0;
  for (let i = end - 1; i > 0 && points[i].loss > points[i - 1].loss; i--) rising++;
  if (rising < GROWTH.risingSteps) return null;
  if (loss > firstLoss) return { kind: 'rising', firstLoss, step, loss };
  const low = points[end - 1 - rising];
  if (options.monotone && loss - low.loss > GROWTH.noise * Math.abs(firstLoss))
    return { kind: 'steady-rise', firstLoss, step, loss, low: { step: low.step, loss: low.loss } };
  return null;
}

/**
 * The first growth among the points from index `from` on (each point checked as if the run had
 * stopped there), so a run is caught at the same step whatever its batch of steps per frame.
 */
export function firstGrowth(
  points: readonly LossPointLike[],
  from: number,
  options: GrowthOptions = {},
): LossGrowth | null {
  for (let end = Math.max(from + 1, 2); end <= points.length; end++) {
    const growth = detectGrowth(points, options, end);
    if (growth) return growth;
  }
  return null;
}

/** Above this many multiply-adds per power-iteration step the limit is not worth computing. */
const MAX_WORK = 4_000_000;

/**
 * The learning rate above which plain gradient descent diverges on this problem:
 * 2 ÷ λmax of the loss' Hessian (2·AᵀA for the sum loss, ÷ n for the mean, A =
 * im2col(X) with a ones column for a trained bias). Exact without ReLU; null with
 * ReLU, or when the problem is too large to estimate quickly.
 */
export function lrLimit(config: TrainConfig): number | null {
  if (config.activation !== 'none') return null;
  const { rows: kh, cols: kw } = config.initWeight;
  const out = outputShape(validGeometry(config.initWeight), config.x);
  const n = out.rows * out.cols;
  const p = kh * kw + (config.useBias ? 1 : 0);
  if (n * p > MAX_WORK) return null;
  const a = im2col(config.x, kh, kw);
  // The patch matrix with a ones column last when the bias is trained.
  const patches = new Float64Array(n * p);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < a.cols; c++) patches[r * p + c] = a.data[r * a.cols + c];
    if (p > a.cols) patches[r * p + a.cols] = 1;
  }
  const lambda = largestEigenvalue(patches, n, p);
  const hessianMax = 2 * lambda * lossScale(config.loss, n);
  return hessianMax > 0 ? 2 / hessianMax : null;
}
