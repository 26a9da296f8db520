/**
 * The training settings that fit a document state: learn K's whole shape (the learned layer gets
 * the document's O×C, `learnedSpec`) back from the document's Y, at a learning rate below the one
 * gradient descent diverges at. A preset or a lesson step applies them with its layer, so Run runs.
 */
import { layerLrLimit } from './lr-limit';
import { trainingInputsOf, trainingSetup, type Shape, type TrainingInputs } from './setup';
import type { TrainingModel } from '../workspace/model';

/** Settings that learn a kernel of K's shape back from K's Y (given initial values of another shape give way to a seeded draw). */
export function learnKShape(s: TrainingModel, k: Shape): TrainingModel {
  const keep = s.init !== 'explicit' || (s.initWeight.rows === k.rows && s.initWeight.cols === k.cols);
  return {
    ...s,
    targetSource: 'kernel',
    kernelRows: k.rows,
    kernelCols: k.cols,
    init: keep ? s.init : 'seeded',
  };
}

/** The largest 1, 2 or 5 × 10ⁿ at most `v` (a learning rate a user would type). */
export function roundLr(v: number): number {
  const decade = 10 ** Math.floor(Math.log10(v));
  const step = [5, 2, 1].find((m) => m * decade <= v * (1 + 1e-9)) ?? 1;
  return Number((step * decade).toPrecision(1));
}

/**
 * The training settings a document state leaves (its layer in `doc`, the user's settings in
 * `doc.training`): learn K's shape from K's Y, at a learning rate below the one (plain or
 * momentum) gradient descent diverges at (`layerLrLimit`; Adam's steps are bounded).
 */
export function fitTraining(doc: TrainingInputs): TrainingModel {
  const next = learnKShape(doc.training, doc.kernels[0][0]);
  if (next.optimizer === 'adam') return next;
  const inputs = { ...trainingInputsOf(doc), training: next };
  // The limit holds for the whole layer (channels, outputs, geometry): core/train/lr-limit.ts.
  const limit = layerLrLimit(trainingSetup(inputs).config);
  // An lr at or past the limit diverges; one a hundred times below it (left by another
  // document's problem) would make Run look stuck.
  const fits = limit === null || (next.lr < limit && next.lr >= limit / 100);
  return fits ? next : { ...next, lr: roundLr(limit / 2) };
}
