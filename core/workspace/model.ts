/**
 * The workspace model: what a `.kstudio` file holds, in the core's own types
 * (grids as `Matrix`). Pure data, no Svelte: the renderer maps its
 * `StudioDocument` to and from this, and main never needs more than the text.
 */
import { LAYER_FIELDS, perChannel, type LayerFields } from '../layer-stack';
import { KernelStudioError } from '../errors';
import { fromRows, type Matrix } from '../matrix';
import type { Weights } from '../tensor';
import type { LossKind, Mode, OptimizerKind, TrainerResumeState } from '../types';

export const WORKSPACE_FORMAT = 'kernel-studio-workspace';
/** The version this build writes; `migrate` brings older files up to it. */
export const WORKSPACE_VERSION = 3;
export const WORKSPACE_EXTENSION = 'kstudio';
/** 64 MiB: far above any real workspace, low enough to refuse abuse (main checks the file size first). */
export const MAX_WORKSPACE_BYTES = 64 * 1024 * 1024;

export type InitKindModel = 'seeded' | 'zeros' | 'explicit';

/** The training workbench's settings (the renderer's `TrainingSettings` is this type). */
export interface TrainingModel {
  readonly kernelRows: number;
  readonly kernelCols: number;
  readonly init: InitKindModel;
  readonly seed: number;
  /** Used when `init` is 'explicit'. */
  readonly initWeight: Matrix;
  readonly initBias: number;
  readonly useBias: boolean;
  readonly lr: number;
  readonly steps: number;
  readonly logEvery: number;
  readonly loss: LossKind;
  readonly optimizer: OptimizerKind;
  /** 'kernel' derives Y from K (+ targetBias); 'drawn' uses the drawn/imported target grid. */
  readonly targetSource: 'kernel' | 'drawn';
  readonly targetBias: number;
}

export interface RunPoint {
  readonly step: number;
  readonly loss: number;
}

/**
 * What tells a run apart besides its settings, kept as data so that its name ("Run 3 · lr 0.03 · …")
 * is written in the current language, never read back from a name written in another.
 */
export interface RunFacts {
  /** The run's number in its workspace ("Run 3"). */
  readonly number: number;
  /** The operation the layer computed (correlate or convolve). */
  readonly mode: Mode;
  /** The learned layer's output and input channels (O, C); its kernel's size is in the settings. */
  readonly outChannels: number;
  readonly inChannels: number;
  /** The compute backend the run started on (its label, e.g. "CPU"). */
  readonly backend: string;
}

/** One training run's history: id (also its run-log name in main), label, the settings it ran with, its losses. */
export interface RunRecord {
  readonly id: string;
  /** The name as written when the run was made (shown for a run saved before `facts` were kept). */
  readonly label: string;
  /** ISO 8601, when the run started; optional. */
  readonly createdAt?: string;
  readonly settings: TrainingModel;
  /** The run's facts (optional: absent in older files); its name is made from them and `settings`. */
  readonly facts?: RunFacts;
  readonly points: readonly RunPoint[];
}

/**
 * Where the learned layer's run stands, so a reopened workspace continues it
 * exactly: step count, [W…, b…], last gradients and the optimizer's moments
 * (momentum's velocity, Adam's m and v). Saved only for a run that did not diverge.
 */
export interface SavedTrainer {
  /** The run (in `runs`) the learned kernel belongs to. */
  readonly runId: string;
  readonly step: number;
  readonly params: readonly number[];
  readonly grads: readonly number[];
  readonly moment1: readonly number[];
  readonly moment2: readonly number[];
}

export function savedTrainerOf(runId: string, state: TrainerResumeState): SavedTrainer {
  return {
    runId,
    step: state.step,
    params: Array.from(state.params),
    grads: Array.from(state.grads),
    moment1: Array.from(state.moment1),
    moment2: Array.from(state.moment2),
  };
}

export function resumeStateOf(saved: SavedTrainer): TrainerResumeState {
  return {
    step: saved.step,
    params: Float64Array.from(saved.params),
    grads: Float64Array.from(saved.grads),
    moment1: Float64Array.from(saved.moment1),
    moment2: Float64Array.from(saved.moment2),
  };
}

/**
 * Everything a workspace saves. The layer Explore shows is `channels` (X, C ≥ 1 grids of one
 * H×W), `kernels` (the weight, O×C grids of one kh×kw), `biases` (O values) and the geometry;
 * a one-channel "valid" layer is today's single X, K and bias.
 */
export interface WorkspaceDocument extends LayerFields {
  readonly drawnTarget: Matrix | null;
  readonly training: TrainingModel;
  /** The learned layer's weight, O×C×kh×kw (null before any run). */
  readonly learnedWeight: Weights | null;
  /** The learned layer's O biases (empty before any run). */
  readonly learnedBias: readonly number[];
  /** The learned layer's run, ready to continue (null when nothing is learned, or it diverged). */
  readonly trainer: SavedTrainer | null;
  readonly runs: readonly RunRecord[];
  /**
   * The highest run number given in this workspace ("Run 3 …"); the next run is one more, even
   * after runs were removed, so a run's name is never reused (0: none yet).
   */
  readonly lastRunNumber: number;
}

/** d2l's 6×8 image: white (1) with columns 2–5 black (0). */
export function seedEdgeImage(): Matrix {
  return fromRows(Array.from({ length: 6 }, () => [1, 1, 0, 0, 0, 0, 1, 1]));
}

/** The defaults reproduce d2l's loop: a 1×2 kernel, no bias, lr 3e-2, 10 steps, logging every 2. */
export const DEFAULT_TRAINING: TrainingModel = {
  kernelRows: 1,
  kernelCols: 2,
  init: 'seeded',
  seed: 0,
  initWeight: fromRows([[0, 0]]),
  initBias: 0,
  useBias: false,
  lr: 0.03,
  steps: 10,
  logEvery: 2,
  loss: 'sum',
  optimizer: 'sgd',
  targetSource: 'kernel',
  targetBias: 0,
};

/**
 * The fields of a document, listed once: the renderer's snapshot and apply walk this list, the
 * file's schema and read/write are records over it (schema.ts `DOCUMENT_FILE_FIELDS`, io.ts
 * `FIELD_CODECS`), and a compile-time check below keeps it equal to `WorkspaceDocument`'s keys.
 */
export const DOCUMENT_FIELDS = [
  ...LAYER_FIELDS,
  'drawnTarget',
  'training',
  'learnedWeight',
  'learnedBias',
  'trainer',
  'runs',
  'lastRunNumber',
] as const satisfies readonly (keyof WorkspaceDocument)[];

export type DocumentField = (typeof DOCUMENT_FIELDS)[number];

/** `never` exactly when DOCUMENT_FIELDS names every field (a missing one fails `documentFieldsComplete`). */
type MissingDocumentFields = Exclude<keyof WorkspaceDocument, (typeof DOCUMENT_FIELDS)[number]>;
export const documentFieldsComplete: [MissingDocumentFields] extends [never] ? true : never = true;

/**
 * The layer's defaults, the one owner: d2l's edge image as one channel, K = [1, −1], bias 0,
 * stride 1, padding 0, dilation 1, correlation, no activation. New starts here, and whatever a
 * preset or a lesson step does not name comes from here (`wholeLayer`).
 */
export function defaultLayer(): LayerFields {
  return {
    channels: [seedEdgeImage()],
    kernels: [[fromRows([[1, -1]])]],
    biases: [0],
    stride: [1, 1],
    padding: [0, 0],
    dilation: [1, 1],
    mode: 'correlate',
    activation: 'none',
  };
}

/** Part of a layer: what a preset or a lesson step names. */
export type LayerState = Partial<LayerFields>;

/**
 * A whole layer from `state`: every field it does not name comes from `defaultLayer()`. Kernels
 * not named are the default K on each input channel (`perChannel`); biases not named are 0 for
 * every output. Throws a one-line error when the named arrays do not fit together.
 */
export function wholeLayer(state: LayerState): LayerFields {
  const d = defaultLayer();
  const channels = state.channels ?? d.channels;
  const kernels = state.kernels ?? perChannel(d.kernels[0][0], channels.length);
  const biases = state.biases ?? kernels.map(() => 0);
  const named = Object.fromEntries(Object.entries(state).filter(([, v]) => v !== undefined));
  const layer: LayerFields = { ...d, ...named, channels, kernels, biases };
  const c = channels.length;
  if (kernels.length < 1 || kernels.some((row) => row.length !== c) || biases.length !== kernels.length)
    throw new KernelStudioError(
      'invalid-argument',
      `A layer with ${c} input channel(s) needs ${c} kernel(s) per output and one bias per output; got ${kernels.map((r) => r.length).join(', ')} kernel(s) and ${biases.length} bias(es).`,
    );
  return layer;
}

/** What New gives: the default layer (`defaultLayer`), default training, no runs. */
export function defaultDocument(): WorkspaceDocument {
  return {
    ...defaultLayer(),
    drawnTarget: null,
    training: DEFAULT_TRAINING,
    learnedWeight: null,
    learnedBias: [],
    trainer: null,
    runs: [],
    lastRunNumber: 0,
  };
}
