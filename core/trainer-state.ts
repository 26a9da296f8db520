/**
 * A training run's full state as plain data, so a run can move between backends
 * (WebGPU → CPU after a device loss) or be resumed on a fresh GPU device.
 */
import type { Matrix } from './matrix';
import type { TrainerResumeState } from './cpu';
import type { TrainConfig, TrainSnapshot } from './types';

/**
 * The core's TrainerResumeState (step, [W…, b], last gradients, optimizer
 * moments, divergence; params are already the last finite values after
 * divergence) plus the config, so a CpuTrainer can resume it exactly.
 */
export interface TrainerState extends TrainerResumeState {
  readonly config: TrainConfig;
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
