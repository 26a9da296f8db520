/**
 * The one place a training setup is built from a document: the layer that is learned, its
 * initial weights, the target Y, the output shape and the LayerTrainConfig. The app's
 * training session, its landscape view and Export's "Y, the training target" all read it, so
 * they cannot disagree about which Y is being learned. The single-channel "valid" case is the
 * same layer with C = O = 1 (the engines keep it on their fast path).
 */
import { KernelStudioError } from '../errors';
import { forwardLayerCpu } from '../cpu/layer';
import { COMPUTE_BUDGET } from '../bounds';
import {
  isSingleChannelValid,
  layerOutputShape,
  multiplyAdds,
  multiplyAddsTerms,
  outputShape,
  type ConvSpec,
  type Shape2,
} from '../layer';
import { LAYER_FIELDS, layerOf, specOfLayer, stackChannels, stackKernels } from '../layer-stack';
import type { LayerTrainConfig } from '../layer-types';
import { randomWeights } from '../random';
import { channel, kernelOf, tensorOfMatrix, weightsOfMatrix, type Tensor3, type Weights } from '../tensor';
import type { TrainConfig } from '../types';
import type { TrainingModel, WorkspaceDocument } from '../workspace/model';

/**
 * The fields of a document a training setup depends on, listed once: the layer (biases included:
 * they are part of the target), the drawn target and the settings. A change of any of them means
 * the next Step/Run starts a new run (`TrainingSession`).
 */
export const TRAINING_INPUT_FIELDS = [...LAYER_FIELDS, 'drawnTarget', 'training'] as const;
export type TrainingInputs = Pick<WorkspaceDocument, (typeof TRAINING_INPUT_FIELDS)[number]>;

/** The training inputs of `doc`, read one by one (a live document's fields are accessors). */
export function trainingInputsOf(doc: TrainingInputs): TrainingInputs {
  return Object.fromEntries(TRAINING_INPUT_FIELDS.map((f) => [f, doc[f]])) as unknown as TrainingInputs;
}

/** Whether two documents' training inputs are the same values (grids compared by identity: every edit makes new ones). */
export function sameTrainingInputs(a: TrainingInputs | null, b: TrainingInputs | null): boolean {
  return a !== null && b !== null && TRAINING_INPUT_FIELDS.every((f) => a[f] === b[f]);
}

/** The document's own layer (K's kernel size). Fields are read one by one: a live document's are accessors, not spreadable. */
function documentSpec(doc: TrainingInputs): ConvSpec {
  return specOfLayer(layerOf(doc));
}

/** The layer that is learned: the document's channels, outputs and geometry, with the learned kernel's size. */
export function learnedSpec(doc: TrainingInputs): ConvSpec {
  const s = doc.training;
  return { ...documentSpec(doc), kernel: [s.kernelRows, s.kernelCols] };
}

/**
 * The weights a run starts from (O×C×kh×kw): the given values, zeros, or a seeded draw like
 * PyTorch's Conv2d (for one kernel, `randomKernel` value for value). Given values hold one
 * kh×kw kernel, so they start only a one-kernel layer.
 */
export function initialWeight(s: TrainingModel, inChannels = 1, outChannels = 1): Weights {
  const { kernelRows: kh, kernelCols: kw } = s;
  if (s.init === 'explicit') {
    if (inChannels * outChannels !== 1)
      throw new KernelStudioError(
        'invalid-argument',
        `The given initial values are one ${kh}×${kw} kernel, but this layer learns ${outChannels}×${inChannels} kernels (out×in): start from a seeded draw or zeros.`,
      );
    return weightsOfMatrix(s.initWeight);
  }
  if (s.init === 'zeros')
    return {
      outChannels,
      inChannels,
      rows: kh,
      cols: kw,
      data: new Float32Array(outChannels * inChannels * kh * kw),
    };
  return randomWeights(outChannels, inChannels, kh, kw, s.seed);
}

/** Why a drawn target cannot be used (it is one grid, so it fits a one-output layer), or null when it can. */
export function drawnTargetProblem(doc: Pick<TrainingInputs, 'kernels'>): string | null {
  const o = doc.kernels.length;
  return o === 1
    ? null
    : `A drawn target Y is one grid, but this layer has ${o} output channels: Y comes from the target kernels K (+ the target bias), or remove output channels to draw it.`;
}

/**
 * The target Y as the user set it up (O×H×W): the drawn one in 'drawn' mode (one output
 * channel), else the document's layer applied to X, its biases included (the one owner of what
 * the layer computes), plus Train's extra target bias on every output (0 unless the user sets it,
 * and the Train view then says so).
 */
export function targetY(doc: TrainingInputs): Tensor3 {
  const s = doc.training;
  if (s.targetSource === 'drawn' && doc.drawnTarget) {
    const problem = drawnTargetProblem(doc);
    if (problem) throw new KernelStudioError('invalid-argument', problem);
    return tensorOfMatrix(doc.drawnTarget);
  }
  const spec = documentSpec(doc);
  const biases = Float32Array.from(doc.biases, (b) => b + s.targetBias);
  return forwardLayerCpu(stackChannels(doc.channels), stackKernels(doc.kernels), biases, spec);
}

/** The top-left (rows×cols) block of every channel of Y: what a kernel of another shape than the target's must produce. */
export function cropTarget(y: Tensor3, rows: number, cols: number): Tensor3 {
  if (rows > y.rows || cols > y.cols)
    throw new KernelStudioError(
      'invalid-argument',
      `The target Y is ${y.rows}×${y.cols}, smaller than the ${rows}×${cols} this kernel produces.`,
    );
  if (rows === y.rows && cols === y.cols) return y;
  const data = new Float32Array(y.channels * rows * cols);
  for (let c = 0; c < y.channels; c++)
    for (let r = 0; r < rows; r++) {
      const from = (c * y.rows + r) * y.cols;
      data.set(y.data.subarray(from, from + cols), (c * rows + r) * cols);
    }
  return { channels: y.channels, rows, cols, data };
}

export interface TrainingSetup {
  readonly config: LayerTrainConfig;
  /** Y before cropping to the learned layer's output shape. */
  readonly target: Tensor3;
  /** The learned layer's output shape (config.y's rows and cols). */
  readonly out: Shape2;
}

/** Passes of one training step, each O·C·Ho·Wo·kh·kw multiply-adds: the forward pass and the weight gradient. */
export const STEP_PASSES = 2;

/**
 * Why this document cannot be trained in the app, or null: the target Y (the document's layer on
 * X, one pass) or one step of the learned layer (STEP_PASSES passes) over core/bounds'
 * COMPUTE_BUDGET. Found from the shapes alone, before any work.
 */
export function trainingBudgetProblem(doc: TrainingInputs): string | null {
  const budget = COMPUTE_BUDGET.toExponential(0);
  const advice = 'Use fewer channels, a smaller X or a smaller kernel.';
  const x = doc.channels[0];
  if (!x) return null;
  if (doc.training.targetSource !== 'drawn' || !doc.drawnTarget) {
    const spec = documentSpec(doc);
    const out = outputShape(spec, x);
    const cost = out.rows > 0 && out.cols > 0 ? multiplyAdds(spec, out) : 0;
    if (cost > COMPUTE_BUDGET)
      return (
        `Training is refused: the target Y takes ${cost.toExponential(1)} multiply-adds ` +
        `(${multiplyAddsTerms(spec, out)}), over the budget of ${budget} per pass. ${advice}`
      );
  }
  const { learned } = trainingShapes(doc);
  const spec: ConvSpec = { ...learnedSpec(doc), kernel: [learned.rows, learned.cols] };
  const out = outputShape(spec, x);
  const cost = out.rows > 0 && out.cols > 0 ? STEP_PASSES * multiplyAdds(spec, out) : 0;
  if (cost <= COMPUTE_BUDGET) return null;
  return (
    `Training is refused: one step takes ${cost.toExponential(1)} multiply-adds (the forward pass and the ` +
    `weight gradient, ${STEP_PASSES} × ${multiplyAddsTerms(spec, out)}), over the budget of ${budget} per step, ` +
    `so the app would freeze and the run could not be paused. ${advice}`
  );
}

/**
 * Builds the whole setup; throws a one-line error when the work is over the compute budget
 * (before any of it), the kernel does not fit or the target is smaller than the output.
 */
export function trainingSetup(doc: TrainingInputs, given?: Tensor3): TrainingSetup {
  const problem = trainingBudgetProblem(doc);
  if (problem) throw new KernelStudioError('invalid-argument', problem);
  const target = given ?? targetY(doc);
  const s = doc.training;
  const spec = learnedSpec(doc);
  const initWeight = initialWeight(s, spec.inChannels, spec.outChannels);
  const x = stackChannels(doc.channels);
  // core/layer owns the shape formula and says why a kernel does not fit the (padded) image.
  const out = layerOutputShape(spec, x);
  const config: LayerTrainConfig = {
    spec,
    x,
    y: cropTarget(target, out.rows, out.cols),
    useBias: s.useBias,
    loss: s.loss,
    optimizer: { kind: s.optimizer, lr: s.lr },
    initWeight,
    initBias: new Float32Array(spec.outChannels).fill(s.initBias),
  };
  return { config, target, out };
}

export interface Shape {
  readonly rows: number;
  readonly cols: number;
}

/**
 * The shapes a run relates, known before it starts: the target Y's (the drawn one's,
 * else the document's layer's on X), the learned kernel's, and the output Ŷ the learned
 * layer makes from X (a side ≤ 0 when the kernel is larger than the padded X).
 */
export function trainingShapes(doc: TrainingInputs): { target: Shape; learned: Shape; out: Shape } {
  const s = doc.training;
  const learned = s.init === 'explicit' ? s.initWeight : { rows: s.kernelRows, cols: s.kernelCols };
  const drawn = s.targetSource === 'drawn' ? doc.drawnTarget : null;
  const x = doc.channels[0];
  const target = drawn ?? outputShape(documentSpec(doc), x);
  const out = outputShape({ ...learnedSpec(doc), kernel: [learned.rows, learned.cols] }, x);
  return {
    target: { rows: target.rows, cols: target.cols },
    learned: { rows: learned.rows, cols: learned.cols },
    out: { rows: out.rows, cols: out.cols },
  };
}

/** The one-kernel "valid" view of a layer config (for the landscape and the lr limit), or null for any other layer. */
export function singleKernelConfig(config: LayerTrainConfig): TrainConfig | null {
  if (!isSingleChannelValid(config.spec)) return null;
  return {
    x: channel(config.x, 0),
    y: channel(config.y, 0),
    mode: config.spec.mode,
    activation: config.spec.activation,
    useBias: config.useBias,
    loss: config.loss,
    optimizer: config.optimizer,
    initWeight: kernelOf(config.initWeight, 0, 0),
    initBias: config.initBias[0],
  };
}
