/**
 * The WebGPU backend: our WGSL programs, compiled and encoded by tfjs's WebGPU backend on a
 * device we own. What the UI calls: `createWebGpuBackend()`, then the `ComputeBackend` methods
 * (the layer's forward pass and training run; layer.ts picks the programs by shape), plus
 * `onDeviceLost` for recovery.
 */
import { KernelStudioError } from '#core/errors';
import type { ComputeBackend, LayerTrainConfig } from '#core/layer-types';
import type { TrainerResumeState } from '#core/types';
import type { DeviceLostListener, GpuContext } from './context';
import { adapterLabel, describeAdapter, openGpuContext } from './context';
import type { GpuLayerTrainer } from './layer';
import { createLayerTrainerWebGpu, forwardLayerWebGpu } from './layer';
import type { TrainPath } from './trainer';
import type { ProgramTuning } from './tuning';
import { tuningFor } from './tuning';

export interface WebGpuBackend extends ComputeBackend {
  readonly kind: 'webgpu';
  readonly context: GpuContext;
  /** e.g. "google swiftshader". */
  readonly adapterDescription: string;
  readonly isFallbackAdapter: boolean;
  /** Which programs run: tuned for a software adapter or a hardware GPU (tuning.ts). */
  readonly tuning: ProgramTuning;
  createLayerTrainer(config: LayerTrainConfig, resumeFrom?: TrainerResumeState): Promise<GpuLayerTrainer>;
  /**
   * For tests and benchmarks: a one-kernel layer (`isSingleKernelLayer`) on a pinned program
   * family instead of the one its image size picks.
   */
  createLayerTrainerOnPath(config: LayerTrainConfig, path: TrainPath): Promise<GpuLayerTrainer>;
  /** Subscribes to device loss; returns the unsubscribe function. */
  onDeviceLost(listener: DeviceLostListener): () => void;
}

export interface CreateWebGpuOptions {
  /** Use this adapter instead of requesting one (select.ts passes the one it inspected). */
  readonly adapter?: GPUAdapter;
  /** Force the program choice (tests cover both sides on any adapter); default: by the adapter. */
  readonly tuning?: ProgramTuning;
}

/** Opens a device and returns the backend; throws KernelStudioError('unsupported') without WebGPU. */
export async function createWebGpuBackend(options: CreateWebGpuOptions = {}): Promise<WebGpuBackend> {
  const adapter =
    options.adapter ?? (await navigator.gpu?.requestAdapter({ powerPreference: 'high-performance' }));
  if (!adapter)
    throw new KernelStudioError('unsupported', 'WebGPU is not available: no GPU adapter was found.');
  const ctx = await openGpuContext(adapter);
  const adapterDescription = describeAdapter(adapter);
  const tuning = options.tuning ?? tuningFor(ctx.isFallbackAdapter);

  return {
    kind: 'webgpu',
    label: `WebGPU · ${adapterLabel(adapter.info)}`,
    context: ctx,
    adapterDescription,
    isFallbackAdapter: ctx.isFallbackAdapter,
    tuning,
    forwardLayer: (x, w, bias, spec) => forwardLayerWebGpu(ctx, x, w, bias, spec, tuning),
    createLayerTrainer: (config, resumeFrom) => createLayerTrainerWebGpu(ctx, config, resumeFrom),
    createLayerTrainerOnPath: (config, path) => createLayerTrainerWebGpu(ctx, config, undefined, path),
    onDeviceLost: (listener) => ctx.onDeviceLost(listener),
    dispose() {
      if (!ctx.lost) ctx.device.destroy();
    },
  };
}
