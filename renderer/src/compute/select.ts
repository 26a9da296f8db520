/**
 * Which backend runs, and why — always shown in the UI.
 *
 * auto:   a hardware adapter → WebGPU; a software (fallback) adapter such as SwiftShader,
 *         or none → CPU (a software GPU is slower than our CPU kernels).
 * cpu:    always CPU.
 * webgpu: WebGPU on any adapter, fallback included (that is how the tests run it);
 *         with no adapter at all it falls back to CPU and says so.
 */
import { createCpuBackend } from '../../../core/cpu';
import { userMessage } from '../../../core/errors';
import type { ComputeBackend } from '../../../core/types';
import type { WebGpuBackend } from './webgpu/backend';
import { createWebGpuBackend } from './webgpu/backend';
import type { DeviceLostEvent } from './webgpu/context';
import { adapterIsFallback, describeAdapter } from './webgpu/context';

export type BackendPreference = 'auto' | 'cpu' | 'webgpu';

export interface BackendSelection {
  readonly backend: ComputeBackend;
  /** One line for the status bar, e.g. "CPU — only a software (fallback) GPU adapter: google swiftshader". */
  readonly reason: string;
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

function cpu(reason: string, adapterDescription: string | null): BackendSelection {
  return { backend: createCpuBackend(), reason: `CPU — ${reason}`, adapterDescription };
}

export async function selectBackend(options: SelectOptions = {}): Promise<BackendSelection> {
  const preference = options.preference ?? 'auto';
  if (preference === 'cpu') return cpu('chosen in settings', null);
  const gpu = options.gpu === undefined ? (globalThis.navigator?.gpu ?? null) : options.gpu;
  const forced = preference === 'webgpu';
  if (!gpu)
    return cpu(
      forced ? 'WebGPU was requested but this browser has no WebGPU' : 'this browser has no WebGPU',
      null,
    );

  let adapter: GPUAdapter | null = null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (e) {
    return cpu(`requesting a GPU adapter failed: ${userMessage(e)}`, null);
  }
  if (!adapter)
    return cpu(
      forced ? 'WebGPU was requested but no GPU adapter is available' : 'no GPU adapter is available',
      null,
    );

  const description = describeAdapter(adapter);
  const fallback = adapterIsFallback(adapter);
  if (fallback && !forced) return cpu(`only a software (fallback) GPU adapter: ${description}`, description);

  const create = options.createWebGpu ?? ((a: GPUAdapter) => createWebGpuBackend({ adapter: a }));
  try {
    const backend = await create(adapter);
    const reason = fallback
      ? `${backend.label} (forced on a software adapter: expect it to be slower than CPU)`
      : backend.label;
    return { backend, reason, adapterDescription: description };
  } catch (e) {
    return cpu(`WebGPU failed to start on ${description}: ${userMessage(e)}`, description);
  }
}

/**
 * Calls `onSwitch` with the backend to use after the device is lost: a fresh WebGPU
 * device when the loss was not deliberate and one can be had, else CPU. Running
 * trainers move with `cpuTrainerFromState(trainer.exportState())` (see handover.ts)
 * or `resumeTrainer(state)` on a new WebGPU backend. Returns the unsubscribe function.
 */
export function switchOnDeviceLoss(
  backend: WebGpuBackend,
  onSwitch: (selection: BackendSelection, event: DeviceLostEvent) => void,
  options: SelectOptions = {},
): () => void {
  return backend.onDeviceLost((event) => {
    const lostLine = `the GPU device was lost (${event.reason}${event.message ? `: ${event.message}` : ''})`;
    if (event.reason === 'destroyed') {
      onSwitch(cpu(lostLine, backend.adapterDescription), event);
      return;
    }
    void selectBackend({ ...options, preference: options.preference ?? 'webgpu' }).then(
      (selection) =>
        onSwitch(
          selection.backend.kind === 'webgpu'
            ? { ...selection, reason: `${selection.reason} (recovered after ${lostLine})` }
            : cpu(lostLine, backend.adapterDescription),
          event,
        ),
      () => onSwitch(cpu(lostLine, backend.adapterDescription), event),
    );
  });
}
