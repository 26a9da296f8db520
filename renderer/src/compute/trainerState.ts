/**
 * A training run's full state as plain data, so a run can move between backends
 * (WebGPU → CPU after a device loss) or be resumed on a fresh GPU device.
 */
import type { Matrix } from '../../../core/matrix';
import type { DivergenceInfo, TrainConfig, TrainSnapshot } from '../../../core/types';

export interface TrainerState {
  readonly config: TrainConfig;
  /** Completed update steps. */
  readonly step: number;
  /** [W…, b]: W row-major as stored (un-flipped). Already the last finite values after divergence. */
  readonly params: Float64Array;
  /** ∂L/∂[W…, b] of the last accepted step. */
  readonly grads: Float64Array;
  /** Momentum velocity or Adam's m, per parameter; zeros for plain SGD. */
  readonly moment1: Float64Array;
  /** Adam's v, per parameter; zeros otherwise. */
  readonly moment2: Float64Array;
  readonly diverged?: DivergenceInfo;
}

function matrixOf(values: Float64Array, rows: number, cols: number): Matrix {
  return { rows, cols, data: Float32Array.from(values.subarray(0, rows * cols)) };
}

/** What `Trainer.snapshot()` reports for a state. */
export function snapshotOf(state: TrainerState): TrainSnapshot {
  const { rows, cols } = state.config.initWeight;
  const kk = rows * cols;
  return {
    step: state.step,
    weight: matrixOf(state.params, rows, cols),
    bias: state.params[kk],
    gradWeight: matrixOf(state.grads, rows, cols),
    gradBias: state.grads[kk],
  };
}
