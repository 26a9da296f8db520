/** The CPU compute backend: always available, the fallback when WebGPU is not. */
import type { ConvSpec } from '../layer';
import type { ComputeBackend, LayerTrainConfig, LayerTrainer } from '../layer-types';
import type { Tensor3, Weights } from '../tensor';
import type { TrainerResumeState } from '../types';
import type { CpuPool } from './evaluation';
import { forwardLayerCpu } from './layer';
import { CpuLayerTrainer } from './layer-trainer';

/**
 * The CPU backend; with a `pool` (the host's worker threads) forward passes use every core,
 * bit-identical to one thread, and large training runs split each step over them. The backend
 * owns the pool and disposes it. Inside, the layer's shape picks the kernels (forwardLayerCpu,
 * layerEvaluate): the WebAssembly programs, or the one-kernel TypeScript fast path.
 */
export function createCpuBackend(pool: CpuPool | null = null): ComputeBackend {
  return {
    kind: 'cpu',
    label: 'CPU',
    async forwardLayer(
      x: Tensor3,
      w: Weights,
      bias: ArrayLike<number>,
      spec: ConvSpec,
      into?: Float32Array,
    ): Promise<Tensor3> {
      return pool
        ? pool.forwardLayer(x, w, bias, spec, into)
        : forwardLayerCpu(x, w, bias, spec, 'auto', into);
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
