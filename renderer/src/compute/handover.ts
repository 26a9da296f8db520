/**
 * Continuing a run on the CPU from a TrainerState (after a WebGPU device loss).
 *
 * Everything is carried over: weights, bias, step count, last gradients,
 * divergence, and the optimizer's state (momentum's velocity, Adam's m and v,
 * with Adam's bias correction continuing from the same step). The run goes on
 * exactly as if it had never left the GPU, for SGD, momentum and Adam alike.
 */
import { CpuTrainer } from '../../../core/cpu';
import type { Trainer } from '../../../core/types';
import type { TrainerState } from './trainerState';

export function cpuTrainerFromState(state: TrainerState): Trainer {
  return new CpuTrainer(state.config, state);
}
