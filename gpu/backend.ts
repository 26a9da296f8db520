/**
 * The WebGPU ComputeBackend: our WGSL programs, compiled and encoded by tfjs's WebGPU
 * backend on a device we own. What the UI calls: `createWebGpuBackend()`, then the
 * ComputeBackend methods, plus `onDeviceLost` and `resumeTrainer` for recovery.
 */
import { KernelStudioError } from '../core/errors';
import type { Matrix } from '../core/matrix';
import type { ComputeBackend, ForwardParams, TrainConfig, TrainerResumeState } from '../core/types';
import { checkForward, checkForwardParams } from '../core/validate';
import type { TrainerState } from '../core/trainer-state';
import type { DeviceLostListener, GpuContext } from './context';
import { describeAdapter, openGpuContext, raceLost, withErrorScopes } from './context';
import { Corr2dForwardProgram } from './programs/corr2dForwardProgram';
import { Corr2dStripProgram } from './programs/corr2dStripProgram';
import type { ConvSpec } from './stripWindow';
import { fitsStrip } from './stripWindow';
import type { TrainPath } from './trainer';
import { WebGpuTrainer } from './trainer';

export interface WebGpuBackend extends ComputeBackend {
  readonly kind: 'webgpu';
  readonly context: GpuContext;
  /** e.g. "google swiftshader". */
  readonly adapterDescription: string;
  readonly isFallbackAdapter: boolean;
  createTrainer(config: TrainConfig, resumeFrom?: TrainerResumeState): Promise<WebGpuTrainer>;
  /** Continues a run from exported state (optimizer moments included) on this device. */
  resumeTrainer(state: TrainerState): Promise<WebGpuTrainer>;
  /** For tests and benchmarks: pin the program family instead of choosing by image size. */
  createTrainerOnPath(config: TrainConfig, path: TrainPath): Promise<WebGpuTrainer>;
  /** Subscribes to device loss; returns the unsubscribe function. */
  onDeviceLost(listener: DeviceLostListener): () => void;
}

export interface CreateWebGpuOptions {
  /** Use this adapter instead of requesting one (select.ts passes the one it inspected). */
  readonly adapter?: GPUAdapter;
}

/** Opens a device and returns the backend; throws KernelStudioError('unsupported') without WebGPU. */
export async function createWebGpuBackend(options: CreateWebGpuOptions = {}): Promise<WebGpuBackend> {
  const adapter =
    options.adapter ?? (await navigator.gpu?.requestAdapter({ powerPreference: 'high-performance' }));
  if (!adapter)
    throw new KernelStudioError('unsupported', 'WebGPU is not available: no GPU adapter was found.');
  const ctx = await openGpuContext(adapter);
  const adapterDescription = describeAdapter(adapter);
  const info = adapter.info;
  const vendorArch = [info?.vendor, info?.architecture].filter(Boolean).join(' ') || adapterDescription;

  return {
    kind: 'webgpu',
    label: `WebGPU · ${vendorArch}`,
    context: ctx,
    adapterDescription,
    isFallbackAdapter: ctx.isFallbackAdapter,
    forward: (x, k, params) => forwardWebGpu(ctx, x, k, params),
    createTrainer: (config, resumeFrom) =>
      WebGpuTrainer.create(ctx, config, resumeFrom && { ...resumeFrom, config }),
    resumeTrainer: (state) => WebGpuTrainer.create(ctx, state.config, state),
    createTrainerOnPath: (config, path) => WebGpuTrainer.create(ctx, config, undefined, path),
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
): Promise<Matrix> {
  checkForward(x, k);
  checkForwardParams(params);
  const tfb = ctx.tfBackend;
  const outRows = x.rows - k.rows + 1;
  const outCols = x.cols - k.cols + 1;
  const out = await withErrorScopes(ctx, { kind: 'forward', rows: x.rows, cols: x.cols }, () => {
    const img = tfb.makeTensorInfo([x.rows, x.cols], 'float32', new Float32Array(x.data));
    const kern = tfb.makeTensorInfo([k.rows, k.cols], 'float32', new Float32Array(k.data));
    const program = forwardProgram({
      outRows,
      outCols,
      kh: k.rows,
      kw: k.cols,
      mode: params.mode,
      activation: params.activation,
    });
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

/** The forward program for a kernel size: register strips up to STRIP_MAX_TAPS, workgroup tiles above. */
export function forwardProgram(spec: ConvSpec): Corr2dStripProgram | Corr2dForwardProgram {
  return fitsStrip(spec.kh, spec.kw) ? new Corr2dStripProgram(spec) : new Corr2dForwardProgram(spec);
}
