/** The CPU compute backend: always available, the fallback when WebGPU is not. */
import type { ConvSpec } from '../layer';
import type { LayerComputeBackend, LayerTrainConfig, LayerTrainer } from '../layer-types';
import type { Matrix } from '../matrix';
import type { Tensor3, Weights } from '../tensor';
import type { ComputeBackend, ForwardParams, TrainConfig, Trainer, TrainerResumeState } from '../types';
import { forwardCpu } from './forward';
import { forwardLayerCpu } from './layer';
import { CpuLayerTrainer } from './layer-trainer';
import { CpuTrainer } from './trainer';

export function createCpuBackend(): ComputeBackend & LayerComputeBackend {
  return {
    kind: 'cpu',
    label: 'CPU',
    async forward(x: Matrix, k: Matrix, params: ForwardParams): Promise<Matrix> {
      return forwardCpu(x, k, params);
    },
    async createTrainer(config: TrainConfig, resumeFrom?: TrainerResumeState): Promise<Trainer> {
      return new CpuTrainer(config, resumeFrom);
    },
    async forwardLayer(x: Tensor3, w: Weights, bias: ArrayLike<number>, spec: ConvSpec): Promise<Tensor3> {
      return forwardLayerCpu(x, w, bias, spec);
    },
    async createLayerTrainer(config: LayerTrainConfig): Promise<LayerTrainer> {
      return new CpuLayerTrainer(config);
    },
    dispose(): void {},
  };
}
