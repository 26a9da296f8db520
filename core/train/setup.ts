/**
 * The one place a training setup is built from a document: the initial
 * kernel, the target Y, the output shape and the TrainConfig. The app's
 * training session, its landscape view and Export's "Y, the training target"
 * all read it, so they cannot disagree about which Y is being learned.
 */
import { forwardCpu } from '../cpu/forward';
import { outputShape, validGeometry } from '../layer';
import { zeros, type Matrix } from '../matrix';
import { randomKernel } from '../random';
import type { TrainConfig } from '../types';
import type { TrainingModel, WorkspaceDocument } from '../workspace/model';

/**
 * The fields of a document a training setup depends on. Training learns one channel: `x` is
 * X's first channel and `k` the kernel for output 1, input 1 (the renderer's document has both).
 */
export type TrainingInputs = Pick<WorkspaceDocument, 'mode' | 'activation' | 'drawnTarget' | 'training'> & {
  readonly x: Matrix;
  readonly k: Matrix;
};

/** The kernel a run starts from: the given values, zeros, or a seeded draw. */
export function initialWeight(s: TrainingModel): Matrix {
  if (s.init === 'explicit') return s.initWeight;
  if (s.init === 'zeros') return zeros(s.kernelRows, s.kernelCols);
  return randomKernel(s.kernelRows, s.kernelCols, s.seed);
}

/** The target Y as the user set it up: the drawn one in 'drawn' mode, else X ⋆ K + the target bias. */
export function targetY(doc: TrainingInputs): Matrix {
  const s = doc.training;
  if (s.targetSource === 'drawn' && doc.drawnTarget) return doc.drawnTarget;
  return forwardCpu(doc.x, doc.k, { mode: doc.mode, bias: s.targetBias, activation: doc.activation });
}

/** The top-left (rows×cols) block of Y: what a kernel of another shape than the target's must produce. */
export function cropTarget(y: Matrix, rows: number, cols: number): Matrix {
  if (rows > y.rows || cols > y.cols)
    throw new Error(
      `The target Y is ${y.rows}×${y.cols}, smaller than the ${rows}×${cols} this kernel produces.`,
    );
  if (rows === y.rows && cols === y.cols) return y;
  const data = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) data.set(y.data.subarray(r * y.cols, r * y.cols + cols), r * cols);
  return { rows, cols, data };
}

export interface TrainingSetup {
  readonly config: TrainConfig;
  /** Y before cropping to the learned kernel's output shape. */
  readonly target: Matrix;
  /** The learned kernel's output shape (config.y's). */
  readonly out: { readonly rows: number; readonly cols: number };
}

/** Builds the whole setup; throws a one-line error when the target is smaller than the output. */
export function trainingSetup(doc: TrainingInputs, target: Matrix = targetY(doc)): TrainingSetup {
  const s = doc.training;
  const initWeight = initialWeight(s);
  // core/layer owns the shape formula; a kernel larger than X gives a side ≤ 0, refused by cropTarget.
  const out = outputShape(validGeometry(initWeight), doc.x);
  const config: TrainConfig = {
    x: doc.x,
    y: cropTarget(target, out.rows, out.cols),
    mode: doc.mode,
    activation: doc.activation,
    useBias: s.useBias,
    loss: s.loss,
    optimizer: { kind: s.optimizer, lr: s.lr },
    initWeight,
    initBias: s.initBias,
  };
  return { config, target, out };
}

export interface Shape {
  readonly rows: number;
  readonly cols: number;
}

/**
 * The shapes a run relates, known before it starts: the target Y's (the drawn one's,
 * else X ⋆ K's), the learned kernel's, and the output Ŷ that kernel makes from X
 * (a side ≤ 0 when the kernel is larger than X).
 */
export function trainingShapes(doc: TrainingInputs): { target: Shape; learned: Shape; out: Shape } {
  const s = doc.training;
  const learned = s.init === 'explicit' ? s.initWeight : { rows: s.kernelRows, cols: s.kernelCols };
  const drawn = s.targetSource === 'drawn' ? doc.drawnTarget : null;
  const target = drawn ?? outputShape(validGeometry(doc.k), doc.x);
  const out = outputShape(validGeometry(learned), doc.x);
  return {
    target: { rows: target.rows, cols: target.cols },
    learned: { rows: learned.rows, cols: learned.cols },
    out: { rows: out.rows, cols: out.cols },
  };
}
