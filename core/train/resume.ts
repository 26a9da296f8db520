/**
 * A run's parameter vector [W…, b…] and its resumable state (`TrainerResumeState`,
 * core/types.ts), read the same way by every backend: the vector a one-kernel reference run
 * starts from, the state checked against the parameter count before it is loaded, and the
 * snapshot it stands for (weights, biases, last gradients) without a device.
 */
import { KernelStudioError } from '../errors';
import type { LayerTrainSnapshot } from '../layer-types';
import type { Weights } from '../tensor';
import type { TrainConfig, TrainerResumeState } from '../types';

/** The vector a run starts from: W row-major as stored (un-flipped), then b; float64, so every optimizer treats b like a weight. */
export function initialParams(config: Pick<TrainConfig, 'initWeight' | 'initBias'>): Float64Array {
  const size = config.initWeight.rows * config.initWeight.cols;
  const params = new Float64Array(size + 1);
  params.set(config.initWeight.data);
  params[size] = config.initBias;
  return params;
}

/** Throws KernelStudioError unless `state` holds `paramCount` values per array and a whole step. */
export function checkResumeState(state: TrainerResumeState, paramCount: number): void {
  for (const [name, values] of [
    ['params', state.params],
    ['grads', state.grads],
    ['moment1', state.moment1],
    ['moment2', state.moment2],
  ] as const)
    if (values.length < paramCount)
      throw new KernelStudioError(
        'invalid-argument',
        `Cannot resume the run: ${name} holds ${values.length} values, the kernel needs ${paramCount}.`,
      );
  if (!Number.isInteger(state.step) || state.step < 0)
    throw new KernelStudioError('invalid-argument', `Cannot resume the run at step ${state.step}.`);
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
