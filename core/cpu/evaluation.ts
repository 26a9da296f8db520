/**
 * The types a CPU training run's parts share: the evaluation a run steps with (ParamRun), the
 * ones the steps build (step.ts, layer-trainer.ts) and the pool's (pool.ts). Only types, so the
 * modules that use them import each other in one direction.
 */
import type { ConvSpec } from '../layer';
import type { LayerTrainConfig } from '../layer-types';
import type { Tensor3, Weights } from '../tensor';

/**
 * Writes ∂L/∂params into `grads` and returns the loss at `params`; `release`, where present,
 * hands back what the evaluation holds (a WebAssembly instance) once the run is closed.
 */
export type EvaluateInto = ((params: Float64Array, grads: Float64Array) => number) & {
  readonly release?: () => void;
};

/** EvaluateInto whose loss comes later; `grads` is written before the promise resolves. */
export type AsyncEvaluateInto = (params: Float64Array, grads: Float64Array) => Promise<number>;

/** A training run's evaluation spread over the pool's threads. */
export interface PooledEvaluation {
  readonly evaluate: AsyncEvaluateInto;
  /** Frees the workers' copies of the run's bands. */
  close(): void;
}

export interface CpuPool {
  /** Threads that compute, the caller's included. */
  readonly threads: number;
  /** One forward pass on every thread where it pays; Y into `into` where given (as `forwardLayerCpu`). */
  forwardLayer(
    x: Tensor3,
    w: Weights,
    bias: ArrayLike<number>,
    spec: ConvSpec,
    into?: Float32Array,
  ): Promise<Tensor3>;
  /**
   * The run's loss-and-gradient evaluation on every thread, or null when the problem is too
   * small to gain from it (`minMacs`, default `trainPoolMinMacs(config.spec)`) or there is one thread.
   * The config must be valid (the trainer checked it).
   */
  trainEvaluation(config: LayerTrainConfig, minMacs?: number): Promise<PooledEvaluation | null>;
  dispose(): void;
}
