/**
 * Continuing a run on the CPU from a TrainerState (after a WebGPU device loss).
 *
 * Everything is carried over: weights, bias, step count, last gradients,
 * divergence, and the optimizer's state (momentum's velocity, Adam's m and v,
 * with Adam's bias correction continuing from the same step). The run goes on
 * exactly as if it had never left the GPU, for SGD, momentum and Adam alike.
 */
import type { ComputeBackend, Trainer, TrainConfig } from '../../../core/types';

/**
 * Continues `old` on `backend` with its whole state. Null when the backend cannot
 * take it; `old` is left as it was, the caller disposes it.
 */
export async function moveTrainer(
  old: Trainer,
  config: TrainConfig,
  backend: ComputeBackend,
): Promise<{ trainer: Trainer; step: number } | null> {
  try {
    const state = old.exportState();
    return { trainer: await backend.createTrainer(config, state), step: state.step };
  } catch {
    // The run could not be exported, or the new backend could not take it: it stays where it was.
    return null;
  }
}
