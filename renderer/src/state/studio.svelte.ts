import { fromRows, type Matrix } from '../../../core/matrix';
import type { Activation, LossKind, Mode, OptimizerKind } from '../../../core/types';
import type { RunRecord } from '../../../core/workspace/model';

export type { RunRecord };

/** The seeds' 6×8 image: white (1) with columns 2–5 black (0). */
export function seedEdgeImage(): Matrix {
  return fromRows(Array.from({ length: 6 }, () => [1, 1, 0, 0, 0, 0, 1, 1]));
}

export type InitKind = 'seeded' | 'zeros' | 'explicit';

/** Settings of the training workbench; the defaults reproduce d2l's loop. */
export interface TrainingSettings {
  readonly kernelRows: number;
  readonly kernelCols: number;
  readonly init: InitKind;
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

export const DEFAULT_TRAINING: TrainingSettings = {
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
 * The document the user is editing: what a workspace file saves. Grids are
 * replaced, never mutated in place (`$state.raw`), so every edit is one
 * assignment that views, undo history and autosave can all observe.
 */
export class StudioDocument {
  x = $state.raw<Matrix>(seedEdgeImage());
  k = $state.raw<Matrix>(fromRows([[1, -1]]));
  bias = $state(0);
  mode = $state<Mode>('correlate');
  activation = $state<Activation>('none');
  /** A drawn or imported target Y for training (used when targetSource is 'drawn'). */
  drawnTarget = $state.raw<Matrix | null>(null);
  training = $state.raw<TrainingSettings>(DEFAULT_TRAINING);
  /** The learned kernel and bias, once a run has produced them. */
  learnedWeight = $state.raw<Matrix | null>(null);
  learnedBias = $state(0);
  /** Training run histories (id, label, settings, loss points), saved with the workspace. */
  runs = $state.raw<RunRecord[]>([]);
}
