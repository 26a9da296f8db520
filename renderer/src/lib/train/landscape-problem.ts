/** Which loss landscape the Train view can draw for the current run or settings. */
import { toParams, trainableCount, type LandscapeProblem } from '../../../../core/landscape';
import { outputShape, validGeometry } from '../../../../core/layer';
import type { Matrix } from '../../../../core/matrix';
import { forwardRef } from '../../../../core/reference';
import type { TrainConfig } from '../../../../core/types';
import type { StudioDocument } from '../../state/studio.svelte';
import { cropTarget, initialWeight } from '../../state/training.svelte';

export interface LandscapeSetup {
  /** Trainable parameters: the landscape is drawn only when this is 2. */
  readonly count: number;
  readonly problem: LandscapeProblem | null;
  /** The start point and (when known) the target's parameters, which the view frames. */
  readonly anchors: (readonly [number, number])[];
}

/** The run's config if there is one, else what the next Step/Run would train (Y by the float64 reference). */
export function landscapeSetup(doc: StudioDocument, config: TrainConfig | null): LandscapeSetup {
  const s = doc.training;
  let cfg = config;
  if (!cfg) {
    const initWeight = initialWeight(s);
    const count = trainableCount(initWeight.rows, initWeight.cols, s.useBias);
    if (count !== 2) return { count, problem: null, anchors: [] };
    let y: Matrix | null = s.targetSource === 'drawn' ? doc.drawnTarget : null;
    if (!y) {
      const data = forwardRef(doc.x, doc.k, {
        mode: doc.mode,
        bias: s.targetBias,
        activation: doc.activation,
      });
      y = { ...outputShape(validGeometry(doc.k), doc.x), data: Float32Array.from(data) };
    }
    try {
      const shape = outputShape(validGeometry(initWeight), doc.x);
      y = cropTarget(y, shape.rows, shape.cols);
    } catch {
      return { count, problem: null, anchors: [] };
    }
    cfg = {
      x: doc.x,
      y,
      mode: doc.mode,
      activation: doc.activation,
      useBias: s.useBias,
      loss: s.loss,
      optimizer: { kind: s.optimizer, lr: s.lr },
      initWeight,
      initBias: s.initBias,
    };
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
