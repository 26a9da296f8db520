/**
 * The full layer's compute contract: what a backend (CPU today, WebGPU next) implements to
 * run a C-in, O-out layer with stride, padding and dilation. It generalizes the single-channel
 * `TrainConfig`/`Trainer` of types.ts; `layerConfigOf` turns one into the other, so the app
 * can move over without changing what a run computes.
 */
import type { ConvSpec } from './layer';
import { validGeometry } from './layer';
import type { Tensor3, Weights } from './tensor';
import { channel, kernelOf, tensorOfMatrix, weightsOfMatrix } from './tensor';
import type {
  BackendKind,
  ComputeBackend,
  LossKind,
  OptimizerSpec,
  TrainChunk,
  TrainConfig,
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

/** A live layer training run. `run` reports losses as `Trainer.run` does (`TrainChunk`). */
export interface LayerTrainer {
  readonly backend: BackendKind;
  run(steps: number): Promise<TrainChunk>;
  snapshot(): Promise<LayerTrainSnapshot>;
  /** The whole run as plain data ([W…, b…], moments): what `createLayerTrainer(config, resumeFrom)` continues exactly. */
  exportState(): TrainerResumeState;
  dispose(): void;
}

/** What a backend adds to run the full layer (the CPU backend implements it; WebGPU will). */
export interface LayerComputeBackend {
  /** act(conv(X, W) + b): O×Ho×Wo. */
  forwardLayer(x: Tensor3, weight: Weights, bias: ArrayLike<number>, spec: ConvSpec): Promise<Tensor3>;
  /** A new run, or with `resumeFrom` the continuation of an exported one (another backend's, or a saved workspace's). */
  createLayerTrainer(config: LayerTrainConfig, resumeFrom?: TrainerResumeState): Promise<LayerTrainer>;
}

/** Whether a backend runs the full layer (both of ours do; a test double may not). */
export function isLayerBackend(backend: ComputeBackend): backend is ComputeBackend & LayerComputeBackend {
  return 'createLayerTrainer' in backend && 'forwardLayer' in backend;
}

/**
 * The layer config of a single-channel run: one channel in and out, the "valid" geometry.
 * The parameter vector layout ([W…, b]) is the same, so resume states carry over.
 */
export function layerConfigOf(config: TrainConfig): LayerTrainConfig {
  return {
    spec: {
      ...validGeometry(config.initWeight),
      inChannels: 1,
      outChannels: 1,
      mode: config.mode,
      activation: config.activation,
    },
    x: tensorOfMatrix(config.x),
    y: tensorOfMatrix(config.y),
    useBias: config.useBias,
    loss: config.loss,
    optimizer: config.optimizer,
    initWeight: weightsOfMatrix(config.initWeight),
    initBias: [config.initBias],
  };
}

/** The single-channel run of a one-channel "valid" layer config (the inverse of `layerConfigOf`). */
export function singleChannelConfig(config: LayerTrainConfig): TrainConfig {
  return {
    x: channel(config.x, 0),
    y: channel(config.y, 0),
    mode: config.spec.mode,
    activation: config.spec.activation,
    useBias: config.useBias,
    loss: config.loss,
    optimizer: config.optimizer,
    initWeight: kernelOf(config.initWeight, 0, 0),
    initBias: config.initBias[0],
  };
}

/** The layer a weight tensor implies (its channels and kernel size) with the rest given. */
export function specForWeights(
  w: Weights,
  fields: Omit<ConvSpec, 'inChannels' | 'outChannels' | 'kernel'>,
): ConvSpec {
  return { inChannels: w.inChannels, outChannels: w.outChannels, kernel: [w.rows, w.cols], ...fields };
}
