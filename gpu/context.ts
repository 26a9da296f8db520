/**
 * One GPUDevice and the tfjs WebGPU backend built on it. We create the device ourselves
 * (rather than through tfjs's registered factory) so that we own `device.lost`, the
 * `uncapturederror` log and error scopes, and so that forcing WebGPU on a software
 * (fallback) adapter works. tfjs only compiles, caches and encodes our programs.
 */
import { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import type { AdapterProbe } from '#core/backend-choice';
import { KernelStudioError } from '#core/errors';

import type { DeviceLostEvent, DeviceLostListener } from '#core/types';

export type { DeviceLostEvent, DeviceLostListener };

export interface GpuContext {
  readonly device: GPUDevice;
  readonly tfBackend: WebGPUBackend;
  readonly adapterInfo: GPUAdapterInfo;
  readonly isFallbackAdapter: boolean;
  /** Set once the device is gone; every later GPU call fails fast with 'device-lost'. */
  readonly lost: DeviceLostEvent | null;
  /** Rejects with KernelStudioError('device-lost') when the device is lost; race awaits against it. */
  readonly lostSignal: Promise<never>;
  /** Subscribes to device loss; returns the unsubscribe function. Called at once if already lost. */
  onDeviceLost(listener: DeviceLostListener): () => void;
  /** Throws KernelStudioError('device-lost') if the device is gone. */
  assertAlive(): void;
}

/** The adapter's own flag where the browser has it (Chrome ≥ 130: `info.isFallbackAdapter`). */
export function adapterIsFallback(adapter: GPUAdapter): boolean {
  const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
  const legacy = (adapter as GPUAdapter & { isFallbackAdapter?: boolean }).isFallbackAdapter;
  return Boolean(info?.isFallbackAdapter ?? legacy ?? false);
}

/** "google swiftshader", "nvidia ampere": what the UI shows about an adapter. */
export function describeAdapter(adapter: GPUAdapter): string {
  const info = adapter.info;
  const parts = [info?.vendor, info?.architecture, info?.device, info?.description].filter((s): s is string =>
    Boolean(s),
  );
  const unique = parts.filter((s, i) => parts.indexOf(s) === i);
  return unique.length > 0 ? unique.join(' ') : 'unknown adapter';
}

/**
 * The backend label's adapter part: vendor and architecture ("google swiftshader"). Where the
 * architecture is empty (NVIDIA through Dawn) the description names the chip instead ("NVIDIA H200",
 * not a bare "nvidia").
 */
export function adapterLabel(info: Partial<GPUAdapterInfo> | undefined): string {
  const vendor = info?.vendor ?? '';
  if (info?.architecture) return [vendor, info.architecture].filter(Boolean).join(' ');
  const chip = info?.description || info?.device || '';
  if (!chip) return vendor || 'unknown adapter';
  return vendor && !chip.toLowerCase().startsWith(vendor.toLowerCase()) ? `${vendor} ${chip}` : chip;
}

/** What the backend rule (core/backend-choice.ts) needs to know about navigator.gpu and its adapter. */
export function probeOf(gpu: unknown, adapter: GPUAdapter | null | undefined): AdapterProbe {
  if (!gpu) return 'no-webgpu';
  if (!adapter) return 'no-adapter';
  return adapterIsFallback(adapter) ? 'software' : 'hardware';
}

export function deviceLostError(event: DeviceLostEvent): KernelStudioError {
  const why = event.message ? `: ${event.message}` : '';
  return new KernelStudioError('device-lost', `The GPU device was lost (${event.reason})${why}.`);
}

/** Requests a device with the adapter's full limits (as tfjs does) and wraps it in a tfjs backend. */
export async function openGpuContext(adapter: GPUAdapter): Promise<GpuContext> {
  const limits = adapter.limits;
  const device = await adapter.requestDevice({
    requiredLimits: {
      maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
      maxComputeWorkgroupsPerDimension: limits.maxComputeWorkgroupsPerDimension,
      maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
      maxBufferSize: limits.maxBufferSize,
      maxComputeWorkgroupSizeX: limits.maxComputeWorkgroupSizeX,
      maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
    },
  });
  device.addEventListener('uncapturederror', (event) => {
    // Errors outside our error scopes (e.g. inside tfjs) must at least be visible.
    console.error('[webgpu] uncaptured error:', (event as GPUUncapturedErrorEvent).error.message);
  });

  const listeners = new Set<DeviceLostListener>();
  let lost: DeviceLostEvent | null = null;
  let rejectLost: (e: Error) => void = () => {};
  const lostSignal = new Promise<never>((_, reject) => (rejectLost = reject));
  lostSignal.catch(() => {}); // observed by racers; never an unhandled rejection
  void device.lost.then((info) => {
    lost = { reason: info.reason, message: info.message };
    // A deliberate destroy() (dispose, the CLI's exit) is not news; anything else is.
    if (info.reason !== 'destroyed') console.warn(`[webgpu] device lost (${info.reason}): ${info.message}`);
    rejectLost(deviceLostError(lost));
    for (const listener of listeners) listener(lost);
  });

  const tfBackend = new WebGPUBackend(device, adapter.info);
  return {
    device,
    tfBackend,
    adapterInfo: adapter.info,
    isFallbackAdapter: adapterIsFallback(adapter),
    get lost() {
      return lost;
    },
    lostSignal,
    onDeviceLost(listener) {
      if (lost) {
        listener(lost);
        return () => {};
      }
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    assertAlive() {
      if (lost) throw deviceLostError(lost);
    },
  };
}

/** The GPU work an error scope guards, so a failure can name it (in any language). */
export type GpuWork =
  | { readonly kind: 'forward' | 'training'; readonly rows: number; readonly cols: number }
  | { readonly kind: 'steps' };

/** The work in English words, for error messages: "a 4096×4096 forward pass". */
export function describeWork(work: GpuWork): string {
  if (work.kind === 'steps') return 'the training steps';
  const shape = `${work.rows}×${work.cols}`;
  return work.kind === 'forward' ? `a ${shape} forward pass` : `a ${shape} training run`;
}

/** A GPU allocation failed for `work`. */
export class GpuOutOfMemoryError extends KernelStudioError {
  readonly work: GpuWork;
  constructor(work: GpuWork, detail: string) {
    super('out-of-memory', `The GPU ran out of memory for ${describeWork(work)}: ${detail}`);
    this.work = work;
  }
}

/**
 * Runs `encode` (synchronous GPU calls) inside 'out-of-memory' and 'validation' error
 * scopes and turns a captured error into a KernelStudioError the UI can show as is.
 */
export async function withErrorScopes<T>(ctx: GpuContext, work: GpuWork, encode: () => T): Promise<T> {
  ctx.assertAlive();
  const { device } = ctx;
  device.pushErrorScope('out-of-memory');
  device.pushErrorScope('validation');
  let value: T | undefined;
  let thrown: unknown = null;
  try {
    value = encode();
  } catch (e) {
    thrown = e;
  }
  const validation = device.popErrorScope();
  const oom = device.popErrorScope();
  const [validationError, oomError] = await Promise.race([Promise.all([validation, oom]), ctx.lostSignal]);
  if (oomError) throw new GpuOutOfMemoryError(work, oomError.message);
  if (thrown) throw thrown;
  if (validationError)
    throw new KernelStudioError(
      'unsupported',
      `WebGPU rejected ${describeWork(work)}: ${validationError.message}`,
    );
  return value as T;
}

/** How long a failed GPU await waits for `device.lost` to explain it (the two race in the browser). */
const LOSS_SETTLE_MS = 250;

/**
 * Awaits a GPU readback, failing with 'device-lost' instead of hanging if the device goes
 * away; an error that turns out to come from a lost device is reported as the loss.
 */
export async function raceLost<T>(ctx: GpuContext, work: Promise<T>): Promise<T> {
  try {
    return await Promise.race([work, ctx.lostSignal]);
  } catch (e) {
    if (!ctx.lost)
      await Promise.race([ctx.lostSignal, new Promise((r) => setTimeout(r, LOSS_SETTLE_MS))]).catch(() => {});
    if (ctx.lost) throw deviceLostError(ctx.lost);
    throw e;
  }
}
