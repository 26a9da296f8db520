/**
 * Which backend runs, and why — always shown in the UI. The rule itself (auto, cpu, webgpu)
 * is core/backend-choice.ts, shared with the CLI; this file probes the adapter, builds the
 * backend and words the reason. Forcing WebGPU with no adapter falls back to CPU and says so.
 */
import type { BackendPreference } from '#core/backend-choice';
import { decideBackend, needsAdapterProbe } from '#core/backend-choice';
import { createCpuBackend } from '#core/cpu/index';
import { userMessage } from '#core/errors';
import type { ComputeBackend } from '#core/layer-types';
import { createWebGpuBackend } from '../../../gpu/backend';
import { createWebCpuPool } from './cpu-pool';
import type { DeviceLostEvent, GpuWork } from '../../../gpu/context';
import { describeAdapter, probeOf } from '../../../gpu/context';

export type { BackendPreference };

/** The message keys a backend reason can name (the i18n catalogues word them; typecheck holds them in step). */
export type ReasonKey =
  | 'reason.forcedCpu'
  | 'reason.noWebGpu'
  | 'reason.noWebGpuForced'
  | 'reason.adapterFailed'
  | 'reason.noAdapter'
  | 'reason.noAdapterForced'
  | 'reason.fallback'
  | 'reason.hardware'
  | 'reason.forcedOnFallback'
  | 'reason.startFailed'
  | 'reason.deviceLost'
  | 'reason.outOfMemoryForward'
  | 'reason.outOfMemoryTraining'
  | 'reason.outOfMemorySteps';

/** Why a backend was chosen, as a message key and its parameters, so the UI can say it in any language. */
export interface BackendReason {
  readonly key: ReasonKey;
  readonly params?: Readonly<Record<string, string>>;
}

export interface BackendSelection {
  readonly backend: ComputeBackend;
  /** Why, for the status bar (worded there, in the UI's language: `i18n/reason.ts`). */
  readonly why: BackendReason;
  /** The adapter that was looked at, if any (even when CPU was chosen). */
  readonly adapterDescription: string | null;
}

export interface SelectOptions {
  readonly preference?: BackendPreference;
  /** The WebGPU entry point; defaults to navigator.gpu (tests pass a stand-in). */
  readonly gpu?: Pick<GPU, 'requestAdapter'> | null;
  /** Builds the WebGPU backend; tests may stub it. */
  readonly createWebGpu?: (adapter: GPUAdapter) => Promise<ComputeBackend>;
}

function selection(
  backend: ComputeBackend,
  why: BackendReason,
  adapterDescription: string | null,
): BackendSelection {
  return { backend, why, adapterDescription };
}

function cpu(
  key: BackendReason['key'],
  params: Record<string, string> | undefined,
  adapterDescription: string | null,
): BackendSelection {
  return selection(createCpuBackend(createWebCpuPool()), { key, params }, adapterDescription);
}

/** The CPU after a lost device, with the loss in the reason. */
export function cpuAfterDeviceLoss(
  event: DeviceLostEvent,
  adapterDescription: string | null,
): BackendSelection {
  return cpu('reason.deviceLost', { detail: lostDetail(event) }, adapterDescription);
}

/**
 * The CPU after the GPU ran out of memory for a piece of work. The device still works,
 * but this workload does not fit in it; the CPU has the host's memory.
 */
export function cpuAfterOutOfMemory(work: GpuWork, adapterDescription: string | null): BackendSelection {
  if (work.kind === 'steps') return cpu('reason.outOfMemorySteps', undefined, adapterDescription);
  const key = work.kind === 'forward' ? 'reason.outOfMemoryForward' : 'reason.outOfMemoryTraining';
  return cpu(key, { shape: `${work.rows}×${work.cols}` }, adapterDescription);
}

function lostDetail(event: DeviceLostEvent): string {
  return `${event.reason}${event.message ? `: ${event.message}` : ''}`;
}

export async function selectBackend(options: SelectOptions = {}): Promise<BackendSelection> {
  const preference = options.preference ?? 'auto';
  if (!needsAdapterProbe(preference)) return cpu('reason.forcedCpu', undefined, null);
  const gpu = options.gpu === undefined ? (globalThis.navigator?.gpu ?? null) : options.gpu;

  let adapter: GPUAdapter | null = null;
  if (gpu) {
    try {
      adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    } catch (e) {
      return cpu('reason.adapterFailed', { detail: userMessage(e) }, null);
    }
  }
  const decision = decideBackend(preference, probeOf(gpu, adapter));
  const description = adapter ? describeAdapter(adapter) : null;
  if (decision.backend === 'cpu' || !adapter) {
    const forced = decision.forced;
    if (decision.why === 'no-webgpu')
      return cpu(forced ? 'reason.noWebGpuForced' : 'reason.noWebGpu', undefined, null);
    if (decision.why === 'no-adapter')
      return cpu(forced ? 'reason.noAdapterForced' : 'reason.noAdapter', undefined, null);
    return cpu('reason.fallback', { adapter: description ?? '' }, description);
  }

  const create = options.createWebGpu ?? ((a: GPUAdapter) => createWebGpuBackend({ adapter: a }));
  try {
    const backend = await create(adapter);
    const key = decision.why === 'forced-on-fallback' ? 'reason.forcedOnFallback' : 'reason.hardware';
    return selection(backend, { key }, description);
  } catch (e) {
    return cpu('reason.startFailed', { adapter: description ?? '', detail: userMessage(e) }, description);
  }
}
