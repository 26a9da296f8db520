import { BOUNDS } from './bounds';
import type { Matrix } from './matrix';

/**
 * The choices, listed once: the types, the workspace schema, the CLI's options and the app's
 * selects all read these lists (the first entry of each is the default).
 */
/** Cross-correlation slides K as is (what deep-learning "convolution" layers do); convolve flips K first. */
export const MODES = ['correlate', 'convolve'] as const;
export const ACTIVATIONS = ['none', 'relu'] as const;
/** `sum` is d2l's `l.sum()`; `mean` divides by the number of output cells. */
export const LOSS_KINDS = ['sum', 'mean'] as const;
export const OPTIMIZER_KINDS = ['sgd', 'momentum', 'adam'] as const;
export type Mode = (typeof MODES)[number];
export type Activation = (typeof ACTIVATIONS)[number];
export type LossKind = (typeof LOSS_KINDS)[number];
export type OptimizerKind = (typeof OPTIMIZER_KINDS)[number];
export type BackendKind = 'cpu' | 'webgpu';

/** The parameters of a Conv2D forward pass: `act(corr2d(X, mode(K)) + bias)`. */
export interface ForwardParams {
  readonly mode: Mode;
  readonly bias: number;
  readonly activation: Activation;
}

export interface OptimizerSpec {
  readonly kind: OptimizerKind;
  readonly lr: number;
  /** Momentum coefficient (PyTorch `SGD(momentum=…)`, dampening 0). Default 0.9. */
  readonly momentum?: number;
  /** Adam betas and epsilon, PyTorch defaults 0.9 / 0.999 / 1e-8. */
  readonly beta1?: number;
  readonly beta2?: number;
  readonly eps?: number;
}

/**
 * A one-kernel training problem (the layer with C = O = 1 in the "valid" geometry), as the
 * float64 reference (reference.ts), the loss landscape and the lr limit (train/growth.ts) read it.
 * Backends take the layer's `LayerTrainConfig` (layer-types.ts).
 */
export interface TrainConfig {
  readonly x: Matrix;
  /** The target output; its shape must be (H−kh+1)×(W−kw+1). */
  readonly y: Matrix;
  readonly mode: Mode;
  readonly activation: Activation;
  readonly useBias: boolean;
  readonly loss: LossKind;
  readonly optimizer: OptimizerSpec;
  /** The initial kernel; its shape is the learned kernel's shape. */
  readonly initWeight: Matrix;
  readonly initBias: number;
}

export interface DivergenceInfo {
  /** 1-based step whose forward loss was non-finite or above the divergence limit. */
  readonly step: number;
  readonly loss: number;
}

/** The result of running a batch of steps. */
export interface TrainChunk {
  /** `losses[i]` is the forward loss of step `firstStep + i` (1-based), before that step's update. */
  readonly firstStep: number;
  readonly losses: Float64Array;
  /** Set when the run stopped on divergence; the snapshot then holds the last finite kernel. */
  readonly diverged?: DivergenceInfo;
}

/**
 * Where a run stands, as plain data: enough to continue it exactly on another
 * backend (WebGPU → CPU after a device loss, or back), optimizer moments included.
 */
export interface TrainerResumeState {
  /** Completed update steps (Adam's bias correction continues from here). */
  readonly step: number;
  /** [W…, b…]: W row-major as stored (un-flipped), then one bias per output channel. */
  readonly params: Float64Array;
  /** ∂L/∂[W…, b] of the last accepted step. */
  readonly grads: Float64Array;
  /** Momentum velocity or Adam's m, per parameter. */
  readonly moment1: Float64Array;
  /** Adam's v, per parameter. */
  readonly moment2: Float64Array;
  readonly diverged?: DivergenceInfo;
}

/** A backend's device went away: 'destroyed' on purpose (ours or a test's, never retried), else 'unknown'. */
export interface DeviceLostEvent {
  readonly reason: 'destroyed' | 'unknown';
  readonly message: string;
}

export type DeviceLostListener = (event: DeviceLostEvent) => void;

/** A loss at or above this counts as divergence, like a non-finite one. */
export const DIVERGENCE_LIMIT = 1e30;

/** Size limits, checked before any allocation: a view of core/bounds.ts (BOUNDS). */
export const LIMITS = {
  maxImageSide: BOUNDS.fileImageSide.max,
  maxKernelSide: BOUNDS.kernelSide.max,
} as const;
