/** The CPU compute backend: always available, the fallback when WebGPU is not. */
import type { Matrix } from '../matrix';
import type { ComputeBackend, ForwardParams, TrainConfig, Trainer, TrainerResumeState } from '../types';
import { forwardCpu } from './forward';
import { CpuTrainer } from './trainer';

export function createCpuBackend(): ComputeBackend {
  return {
    kind: 'cpu',
    label: 'CPU',
    async forward(x: Matrix, k: Matrix, params: ForwardParams): Promise<Matrix> {
      return forwardCpu(x, k, params);
    },
    async createTrainer(config: TrainConfig, resumeFrom?: TrainerResumeState): Promise<Trainer> {
      return new CpuTrainer(config, resumeFrom);
    },
    dispose(): void {},
  };
}
