import type { Matrix } from '../../../core/matrix';
import type { Activation, Mode } from '../../../core/types';
import {
  defaultDocument,
  type InitKindModel,
  type RunRecord,
  type SavedTrainer,
  type TrainingModel,
} from '../../../core/workspace/model';

export { DEFAULT_TRAINING, seedEdgeImage } from '../../../core/workspace/model';
export type { RunRecord };
export type InitKind = InitKindModel;
/** Settings of the training workbench: the workspace model's type (core/workspace/model.ts). */
export type TrainingSettings = TrainingModel;

/** Grids are never mutated in place, so every document may start from the same values. */
const INITIAL = defaultDocument();

/**
 * The document the user is editing: what a workspace file saves. Grids are
 * replaced, never mutated in place (`$state.raw`), so every edit is one
 * assignment that views, undo history and autosave can all observe.
 * Its initial values are the core's `defaultDocument()`.
 */
export class StudioDocument {
  x = $state.raw<Matrix>(INITIAL.x);
  k = $state.raw<Matrix>(INITIAL.k);
  bias = $state(0);
  mode = $state<Mode>('correlate');
  activation = $state<Activation>('none');
  /** A drawn or imported target Y for training (used when targetSource is 'drawn'). */
  drawnTarget = $state.raw<Matrix | null>(null);
  training = $state.raw<TrainingSettings>(INITIAL.training);
  /** The learned kernel and bias, once a run has produced them. */
  learnedWeight = $state.raw<Matrix | null>(null);
  learnedBias = $state(0);
  /** The learned kernel's run state (step, optimizer moments), so Step/Run continue it after reopening. */
  trainer = $state.raw<SavedTrainer | null>(null);
  /** Training run histories (id, label, settings, loss points), saved with the workspace. */
  runs = $state.raw<RunRecord[]>([]);
  /** Bumped each time a whole document is loaded (New, Open, Restore): views drop run state of the old one. */
  loads = $state(0);
}
