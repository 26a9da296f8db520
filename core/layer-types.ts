/**
 * The compute contract: what a backend implements to run a C-in, O-out layer with stride,
 * padding and dilation (one kernel is the layer with C = O = 1).
 */
import type { ConvSpec } from './layer';
import type { Tensor3, Weights } from './tensor';
import type {
  BackendKind,
  DeviceLostListener,
  LossKind,
  OptimizerSpec,
  TrainChunk,
  TrainerResumeState,
} from './types';

/** Everything a layer training run needs; the same object drives every backend. */
export interface LayerTrainConfig {
  /** The layer; `kernel`, `inChannels` and `outChannels` must agree with `initWeight` and `x`. */
  readonly spec: ConvSpec;
  /** C×H×W. */
  readonly x: Tensor3;
  /** The target, O×Ho×Wo with Ho×Wo = outputShape(spec, X). */
  readonly y: Tensor3;
  /** When false the biases are frozen offsets: added in the forward pass, never updated. */
  readonly useBias: boolean;
  readonly loss: LossKind;
  readonly optimizer: OptimizerSpec;
  /** O×C×kh×kw, stored as given (un-flipped in convolve mode). */
  readonly initWeight: Weights;
  /** O values. */
  readonly initBias: ArrayLike<number>;
}

/** Where a layer run stands; copied out, never shared with the backend. */
export interface LayerTrainSnapshot {
  readonly step: number;
  readonly weight: Weights;
  readonly bias: Float32Array;
  readonly gradWeight: Weights;
  readonly gradBias: Float32Array;
}

/** A live layer training run. */
export interface LayerTrainer {
  readonly backend: BackendKind;
  /** Runs up to `steps` steps (fewer if it diverges) and reports each step's loss. */
  run(steps: number): Promise<TrainChunk>;
  snapshot(): Promise<LayerTrainSnapshot>;
  /** The whole run as plain data ([W…, b…], moments): what `createLayerTrainer(config, resumeFrom)` continues exactly. */
  exportState(): TrainerResumeState;
  dispose(): void;
}

/**
 * The one compute contract: a backend (the CPU's kernels, our WGSL programs on WebGPU) runs a
 * layer's forward pass and training; inside, each picks its programs by the layer's shape.
 */
export interface ComputeBackend {
  readonly kind: BackendKind;
  /** A human-readable name for the status bar, e.g. "CPU" or "WebGPU · NVIDIA …". */
  readonly label: string;
  /**
   * act(conv(X, W) + b): O×Ho×Wo. `into` (O·Ho·Wo floats, its values not read) is where Y may go
   * instead of a new array, e.g. a Y the caller no longer shows, so a live view allocates no new
   * pages per edit; a backend may ignore it (WebGPU reads Y back into its own array).
   */
  forwardLayer(
    x: Tensor3,
    weight: Weights,
    bias: ArrayLike<number>,
    spec: ConvSpec,
    into?: Float32Array,
  ): Promise<Tensor3>;
  /** A new run, or with `resumeFrom` the continuation of an exported one (another backend's, or a saved workspace's). */
  createLayerTrainer(config: LayerTrainConfig, resumeFrom?: TrainerResumeState): Promise<LayerTrainer>;
  /** Subscribes to the loss of the backend's device (a GPU's; the CPU has none); returns the unsubscribe function. */
  onDeviceLost?(listener: DeviceLostListener): () => void;
  dispose(): void;
}

/** The layer a weight tensor implies (its channels and kernel size) with the rest given. */
export function specForWeights(
  w: Weights,
  fields: Omit<ConvSpec, 'inChannels' | 'outChannels' | 'kernel'>,
): ConvSpec {
  return { inChannels: w.inChannels, outChannels: w.outChannels, kernel: [w.rows, w.cols], ...fields };
}
