/**
 * A training run's full state as plain data, so a run can move between backends
 * (WebGPU → CPU after a device loss) or be resumed on a fresh GPU device.
 */
import { KernelStudioError } from './errors';
import type { LayerTrainSnapshot } from './layer-types';
import type { Matrix } from './matrix';
import type { Weights } from './tensor';
import type { TrainConfig, TrainerResumeState, TrainSnapshot } from './types';

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

/** Values shaped like `like` (O×C×kh×kw): the first `like.data.length` of `values`, as float32. */
export function weightsLike(values: Float64Array, like: Weights): Weights {
  const { outChannels, inChannels, rows, cols } = like;
  return {
    outChannels,
    inChannels,
    rows,
    cols,
    data: Float32Array.from(values.subarray(0, like.data.length)),
  };
}

/** What `LayerTrainer.snapshot()` reports for an exported state of a layer shaped like `like`. */
export function layerSnapshotOf(
  state: Pick<TrainerResumeState, 'step' | 'params' | 'grads'>,
  like: Weights,
): LayerTrainSnapshot {
  const size = like.data.length;
  return {
    step: state.step,
    weight: weightsLike(state.params, like),
    bias: Float32Array.from(state.params.subarray(size)),
    gradWeight: weightsLike(state.grads, like),
    gradBias: Float32Array.from(state.grads.subarray(size)),
  };
}

/** Throws a one-line error when `state` cannot resume a run of `n` parameters: a vector too short, or a bad step. */
export function checkResumeState(state: TrainerResumeState, n: number): void {
  for (const [name, values] of [
    ['params', state.params],
    ['grads', state.grads],
    ['moment1', state.moment1],
    ['moment2', state.moment2],
  ] as const)
    if (values.length < n)
      throw new KernelStudioError(
        'invalid-argument',
        `Cannot resume the run: ${name} holds ${values.length} values, the kernel needs ${n}.`,
      );
  if (!Number.isInteger(state.step) || state.step < 0)
    throw new KernelStudioError('invalid-argument', `Cannot resume the run at step ${state.step}.`);
}
