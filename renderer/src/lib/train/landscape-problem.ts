/** Which loss landscape the Train view can draw for the current run or settings. */
import { toParams, trainableCount, type LandscapeProblem } from '../../../../core/landscape';
import type { TrainConfig } from '../../../../core/types';
import type { StudioDocument } from '../../state/studio.svelte';
import { initialWeight, trainingSetup } from '../../../../core/train/setup';

export interface LandscapeSetup {
  /** Trainable parameters: the landscape is drawn only when this is 2. */
  readonly count: number;
  readonly problem: LandscapeProblem | null;
  /** The start point and (when known) the target's parameters, which the view frames. */
  readonly anchors: (readonly [number, number])[];
}

/** The run's config if there is one, else what the next Step/Run would train (core's trainingSetup, as training builds it). */
export function landscapeSetup(doc: StudioDocument, config: TrainConfig | null): LandscapeSetup {
  const s = doc.training;
  let cfg = config;
  if (!cfg) {
    try {
      cfg = trainingSetup(doc).config;
    } catch {
      const w = initialWeight(s);
      return { count: trainableCount(w.rows, w.cols, s.useBias), problem: null, anchors: [] };
    }
  }
  const w = cfg.initWeight;
  const count = trainableCount(w.rows, w.cols, cfg.useBias);
  if (count !== 2) return { count, problem: null, anchors: [] };
  const problem: LandscapeProblem = {
    x: cfg.x,
    y: cfg.y,
    kh: w.rows,
    kw: w.cols,
    bias: cfg.initBias,
    useBias: cfg.useBias,
    mode: cfg.mode,
    activation: cfg.activation,
    loss: cfg.loss,
  };
  const anchors: (readonly [number, number])[] = [toParams(w.data, cfg.initBias, cfg.useBias)];
  const fromKernel = s.targetSource === 'kernel' && doc.k.rows === w.rows && doc.k.cols === w.cols;
  if (fromKernel) anchors.push(toParams(doc.k.data, s.targetBias, cfg.useBias));
  return { count, problem, anchors };
}
