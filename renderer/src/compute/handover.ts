/**
 * Continuing a run on the CPU from a TrainerState (after a WebGPU device loss).
 *
 * Everything is carried over: weights, bias, step count, last gradients,
 * divergence, and the optimizer's state (momentum's velocity, Adam's m and v,
 * with Adam's bias correction continuing from the same step). The run goes on
 * exactly as if it had never left the GPU, for SGD, momentum and Adam alike.
 */
import { CpuTrainer } from '../../../core/cpu';
import type { ComputeBackend, Trainer, TrainConfig } from '../../../core/types';
import type { TrainerState } from '../../../core/trainer-state';
import type { WebGpuBackend } from '../../../gpu/backend';

export function cpuTrainerFromState(state: TrainerState): Trainer {
  return new CpuTrainer(state.config, state);
}

type ExportableTrainer = Trainer & { exportState(): Omit<TrainerState, 'config'> };

function canExport(trainer: Trainer): trainer is ExportableTrainer {
  return typeof (trainer as Partial<ExportableTrainer>).exportState === 'function';
}

function canResume(backend: ComputeBackend): backend is WebGpuBackend {
  return typeof (backend as Partial<WebGpuBackend>).resumeTrainer === 'function';
}

/**
 * Continues `old` on `backend` with its whole state (the CPU, or a WebGPU device that can
 * resume a run). Null when it cannot move; `old` is left as it was, the caller disposes it.
 */
export async function moveTrainer(
  old: Trainer,
  config: TrainConfig,
  backend: ComputeBackend,
): Promise<{ trainer: Trainer; step: number } | null> {
  if (!canExport(old)) return null;
  const state: TrainerState = { config, ...old.exportState() };
  try {
    if (backend.kind === 'cpu') return { trainer: cpuTrainerFromState(state), step: state.step };
    if (canResume(backend)) return { trainer: await backend.resumeTrainer(state), step: state.step };
  } catch {
    // The new backend could not take the run: it stays where it was.
  }
  return null;
}
