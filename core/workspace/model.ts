/**
 * The workspace model: what a `.kstudio` file holds, in the core's own types
 * (grids as `Matrix`). Pure data, no Svelte: the renderer maps its
 * `StudioDocument` to and from this, and main never needs more than the text.
 */
import type { Matrix } from '../matrix';
import type { Activation, LossKind, Mode, OptimizerKind } from '../types';

export const WORKSPACE_FORMAT = 'kernel-studio-workspace';
/** The version this build writes; `migrate` brings older files up to it. */
export const WORKSPACE_VERSION = 1;
export const WORKSPACE_EXTENSION = 'kstudio';
/** 64 MiB: far above any real workspace, low enough to refuse abuse (main checks the file size first). */
export const MAX_WORKSPACE_BYTES = 64 * 1024 * 1024;

export type InitKindModel = 'seeded' | 'zeros' | 'explicit';

/** Mirrors the renderer's `TrainingSettings`, field for field. */
export interface TrainingModel {
  readonly kernelRows: number;
  readonly kernelCols: number;
  readonly init: InitKindModel;
  readonly seed: number;
  readonly initWeight: Matrix;
  readonly initBias: number;
  readonly useBias: boolean;
  readonly lr: number;
  readonly steps: number;
  readonly logEvery: number;
  readonly loss: LossKind;
  readonly optimizer: OptimizerKind;
  readonly targetSource: 'kernel' | 'drawn';
  readonly targetBias: number;
}

export interface RunPoint {
  readonly step: number;
  readonly loss: number;
}

/** One training run's history: id (also its run-log name in main), label, the settings it ran with, its losses. */
export interface RunRecord {
  readonly id: string;
  readonly label: string;
  /** ISO 8601, when the run started; optional. */
  readonly createdAt?: string;
  readonly settings: TrainingModel;
  readonly points: readonly RunPoint[];
}

/** Everything a workspace saves. */
export interface WorkspaceDocument {
  readonly x: Matrix;
  readonly k: Matrix;
  readonly bias: number;
  readonly mode: Mode;
  readonly activation: Activation;
  readonly drawnTarget: Matrix | null;
  readonly training: TrainingModel;
  readonly learnedWeight: Matrix | null;
  readonly learnedBias: number;
  readonly runs: readonly RunRecord[];
}
