/** Which loss landscape the Train view can draw for the current run or settings. */
import { toParams, type LandscapeProblem } from '#core/landscape';
import type { LayerTrainConfig } from '#core/layer-types';
import type { StudioDocument } from '../../state/studio.svelte';
import { singleKernelConfig, trainingSetup } from '#core/train/setup';

export interface LandscapeSetup {
  /** Trainable parameters: the landscape is drawn only when this is 2. */
  readonly count: number;
  readonly problem: LandscapeProblem | null;
  /** The start point and (when known) the target's parameters, which the view frames. */
  readonly anchors: (readonly [number, number])[];
}

/** How many parameters the learned layer trains: O×C×kh×kw weights, and O biases when trained. */
function parameterCount(doc: StudioDocument): number {
  const s = doc.training;
  const o = doc.kernels.length;
  return o * doc.channels.length * s.kernelRows * s.kernelCols + (s.useBias ? o : 0);
}

/**
 * The run's config if there is one, else what the next Step/Run would train (core's
 * trainingSetup, as training builds it). Only a 2-parameter problem has a landscape: one
 * kernel (C = O = 1, the "valid" layer) of two weights, or of one weight and a bias.
 */
export function landscapeSetup(doc: StudioDocument, config: LayerTrainConfig | null): LandscapeSetup {
  const s = doc.training;
  let layer = config;
  if (!layer) {
    try {
      layer = trainingSetup(doc).config;
    } catch {
      return { count: parameterCount(doc), problem: null, anchors: [] };
    }
  }
  const w = layer.initWeight;
  const count = w.data.length + (layer.useBias ? w.outChannels : 0);
  const cfg = singleKernelConfig(layer);
  if (count !== 2 || !cfg) return { count, problem: null, anchors: [] };
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
  if (fromKernel) anchors.push(toParams(doc.k.data, doc.bias + s.targetBias, cfg.useBias));
  return { count, problem, anchors };
}
