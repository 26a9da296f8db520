import type { Pair } from '#core/layer';
import { withChannel, withKernel, type Kernels } from '#core/layer-stack';
import type { Matrix } from '#core/matrix';
import type { Weights } from '#core/tensor';
import type { Activation, Mode } from '#core/types';
import {
  defaultDocument,
  type InitKindModel,
  type RunRecord,
  type SavedTrainer,
  type TrainingModel,
} from '#core/workspace/model';

export { DEFAULT_TRAINING, seedEdgeImage } from '#core/workspace/model';
export type { RunRecord };
export type InitKind = InitKindModel;
/** Settings of the training workbench: the workspace model's type (core/workspace/model.ts). */
export type TrainingSettings = TrainingModel;

/** Grids are never mutated in place, so every document may start from the same values. */
const INITIAL = defaultDocument();

/**
 * The document the user is editing: what a workspace file saves (its fields are the core's
 * DOCUMENT_FIELDS). Grids are replaced, never mutated in place (`$state.raw`), so every edit
 * is one assignment that views, undo history and autosave can all observe.
 * Its initial values are the core's `defaultDocument()`.
 *
 * The layer is `channels` (X, C×H×W), `kernels` (O×C kernels) and `biases` (O); `x`, `k` and
 * `bias` are the first channel, kernel and bias, for the single-channel views and training.
 */
export class StudioDocument {
  /**
   * This window's document: main keeps its runs (the chart's list) and its autosave backup under
   * this id, so no other window or tab sees them. New, Open and Restore load into the same document.
   */
  readonly id: string = crypto.randomUUID();
  channels = $state.raw<readonly Matrix[]>(INITIAL.channels);
  kernels = $state.raw<Kernels>(INITIAL.kernels);
  biases = $state.raw<readonly number[]>(INITIAL.biases);
  stride = $state.raw<Pair>(INITIAL.stride);
  padding = $state.raw<Pair>(INITIAL.padding);
  dilation = $state.raw<Pair>(INITIAL.dilation);
  mode = $state<Mode>('correlate');
  activation = $state<Activation>('none');
  /** A drawn or imported target Y for training (used when targetSource is 'drawn'). */
  drawnTarget = $state.raw<Matrix | null>(null);
  training = $state.raw<TrainingSettings>(INITIAL.training);
  /** The learned layer (O×C×kh×kw) and its O biases, once a run has produced them. */
  learnedWeight = $state.raw<Weights | null>(null);
  learnedBias = $state.raw<readonly number[]>([]);
  /** The learned layer's run state (step, optimizer moments), so Step/Run continue it after reopening. */
  trainer = $state.raw<SavedTrainer | null>(null);
  /** Training run histories (id, label, settings, loss points), saved with the workspace. */
  runs = $state.raw<RunRecord[]>([]);
  /** The highest run number given in this workspace: the next run is one more, even after Clear runs. */
  lastRunNumber = $state(0);

  /** X's first channel; setting it to another size crops or zero-pads the other channels to match. */
  get x(): Matrix {
    return this.channels[0];
  }
  set x(m: Matrix) {
    this.channels = withChannel(this.channels, 0, m);
  }

  /** The kernel from input 1 to output 1; setting it to another size resizes every kernel to match. */
  get k(): Matrix {
    return this.kernels[0][0];
  }
  set k(m: Matrix) {
    this.kernels = withKernel(this.kernels, 0, 0, m);
  }

  /** Output 1's bias. */
  get bias(): number {
    return this.biases[0];
  }
  set bias(b: number) {
    this.biases = this.biases.map((v, o) => (o === 0 ? b : v));
  }

  /** Bumped each time a whole document is loaded (New, Open, Restore): views drop run state of the old one. */
  loads = $state(0);
}
