/**
 * The WebGPU ComputeBackend: our WGSL programs, compiled and encoded by tfjs's WebGPU
 * backend on a device we own. What the UI calls: `createWebGpuBackend()`, then the
 * ComputeBackend methods, plus `onDeviceLost` for recovery.
 */
import { KernelStudioError } from '#core/errors';
import { outputShape, validGeometry } from '#core/layer';
import type { LayerComputeBackend } from '#core/layer-types';
import { channel, kernelOf, tensorOfMatrix } from '#core/tensor';
import type { Matrix } from '#core/matrix';
import type { ComputeBackend, ForwardParams, TrainConfig, TrainerResumeState } from '#core/types';
import { checkForward, checkForwardParams } from '#core/validate';
import type { DeviceLostListener, GpuContext } from './context';
import { adapterLabel, describeAdapter, openGpuContext, raceLost, withErrorScopes } from './context';
import { Corr2dForwardProgram } from './programs/corr2dForwardProgram';
import { Corr2dStripProgram } from './programs/corr2dStripProgram';
import type { ConvSpec } from './stripWindow';
import { fitsStrip } from './stripWindow';
import { createLayerTrainerWebGpu, forwardLayerWebGpu } from './layer';
import type { ProgramTuning } from './tuning';
import { HARDWARE_STRIP_MAX_TAPS, tuningFor } from './tuning';
import type { TrainPath } from './trainer';
import { WebGpuTrainer } from './trainer';

export interface WebGpuBackend extends ComputeBackend, LayerComputeBackend {
  readonly kind: 'webgpu';
  readonly context: GpuContext;
  /** e.g. "google swiftshader". */
  readonly adapterDescription: string;
  readonly isFallbackAdapter: boolean;
  /** Which programs run: tuned for a software adapter or a hardware GPU (tuning.ts). */
  readonly tuning: ProgramTuning;
  createTrainer(config: TrainConfig, resumeFrom?: TrainerResumeState): Promise<WebGpuTrainer>;
  /** For tests and benchmarks: pin the program family instead of choosing by image size. */
  createTrainerOnPath(config: TrainConfig, path: TrainPath): Promise<WebGpuTrainer>;
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
    forward: (x, k, params) => forwardWebGpu(ctx, x, k, params, tuning),
    createTrainer: (config, resumeFrom) => WebGpuTrainer.create(ctx, config, resumeFrom),
    createTrainerOnPath: (config, path) => WebGpuTrainer.create(ctx, config, undefined, path),
    forwardLayer: (x, w, bias, spec) =>
      forwardLayerWebGpu(ctx, x, w, bias, spec, async (x1, w1, b) =>
        tensorOfMatrix(
          await forwardWebGpu(ctx, channel(x1, 0), kernelOf(w1, 0, 0), {
            mode: spec.mode,
            bias: b,
            activation: spec.activation,
          }),
        ),
      ),
    createLayerTrainer: (config, resumeFrom) => createLayerTrainerWebGpu(ctx, config, resumeFrom),
    onDeviceLost: (listener) => ctx.onDeviceLost(listener),
    dispose() {
      if (!ctx.lost) ctx.device.destroy();
    },
  };
}

/** One forward pass: upload X and K, one dispatch, one readback. */
export async function forwardWebGpu(
  ctx: GpuContext,
  x: Matrix,
  k: Matrix,
  params: ForwardParams,
  tuning: ProgramTuning = 'software',
): Promise<Matrix> {
  checkForward(x, k);
  checkForwardParams(params);
  const tfb = ctx.tfBackend;
  const { rows: outRows, cols: outCols } = outputShape(validGeometry(k), x);
  const out = await withErrorScopes(ctx, { kind: 'forward', rows: x.rows, cols: x.cols }, () => {
    const img = tfb.makeTensorInfo([x.rows, x.cols], 'float32', new Float32Array(x.data));
    const kern = tfb.makeTensorInfo([k.rows, k.cols], 'float32', new Float32Array(k.data));
    const program = forwardProgram(
      {
        outRows,
        outCols,
        kh: k.rows,
        kw: k.cols,
        mode: params.mode,
        activation: params.activation,
      },
      tuning,
    );
    const result = tfb.runWebGPUProgram(program, [img, kern], 'float32', [
      { type: 'float32', data: [params.bias] },
    ]);
    tfb.disposeData(img.dataId);
    tfb.disposeData(kern.dataId);
    return result;
  });
  try {
    const values = (await raceLost(ctx, tfb.read(out.dataId))) as Float32Array;
    return { rows: outRows, cols: outCols, data: new Float32Array(values) };
  } finally {
    tfb.disposeData(out.dataId);
  }
}

/**
 * The forward program for a kernel size and tuning: register strips up to STRIP_MAX_TAPS on a
 * software adapter and up to HARDWARE_STRIP_MAX_TAPS on hardware, shared-memory tiles above.
 */
export function forwardProgram(
  spec: ConvSpec,
  tuning: ProgramTuning = 'software',
): Corr2dStripProgram | Corr2dForwardProgram {
  const strip =
    tuning === 'hardware' ? spec.kh * spec.kw <= HARDWARE_STRIP_MAX_TAPS : fitsStrip(spec.kh, spec.kw);
  return strip ? new Corr2dStripProgram(spec) : new Corr2dForwardProgram(spec, tuning);
}
