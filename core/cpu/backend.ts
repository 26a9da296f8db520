/** The CPU compute backend: always available, the fallback when WebGPU is not. */
import type { ConvSpec } from '../layer';
import { convSpec } from '../layer';
import type { LayerComputeBackend, LayerTrainConfig, LayerTrainer } from '../layer-types';
import type { Matrix } from '../matrix';
import type { Tensor3, Weights } from '../tensor';
import { tensorOfMatrix, weightsOfMatrix } from '../tensor';
import type { ComputeBackend, ForwardParams, TrainConfig, Trainer, TrainerResumeState } from '../types';
import { checkForward, checkForwardParams } from '../validate';
import { forwardCpu } from './forward';
import { forwardLayerCpu } from './layer';
import { CpuLayerTrainer } from './layer-trainer';
import type { CpuPool } from './evaluation';
import { CpuTrainer } from './trainer';

/**
 * The CPU backend; with a `pool` (the host's worker threads) forward passes use every core,
 * bit-identical to one thread, and large training runs split each step over them. The backend owns the pool and disposes it.
 */
export function createCpuBackend(pool: CpuPool | null = null): ComputeBackend & LayerComputeBackend {
  return {
    kind: 'cpu',
    label: 'CPU',
    async forward(x: Matrix, k: Matrix, params: ForwardParams): Promise<Matrix> {
      if (!pool) return forwardCpu(x, k, params);
      checkForward(x, k);
      checkForwardParams(params);
      const spec = convSpec({ kernel: [k.rows, k.cols], mode: params.mode, activation: params.activation });
      const y = await pool.forwardLayer(tensorOfMatrix(x), weightsOfMatrix(k), [params.bias], spec);
      return { rows: y.rows, cols: y.cols, data: y.data };
    },
    async createTrainer(config: TrainConfig, resumeFrom?: TrainerResumeState): Promise<Trainer> {
      return new CpuTrainer(config, resumeFrom, pool);
    },
    async forwardLayer(x: Tensor3, w: Weights, bias: ArrayLike<number>, spec: ConvSpec): Promise<Tensor3> {
      return pool ? pool.forwardLayer(x, w, bias, spec) : forwardLayerCpu(x, w, bias, spec);
    },
    async createLayerTrainer(
      config: LayerTrainConfig,
      resumeFrom?: TrainerResumeState,
    ): Promise<LayerTrainer> {
      return new CpuLayerTrainer(config, resumeFrom, pool);
    },
    dispose(): void {
      pool?.dispose();
    },
  };
}
