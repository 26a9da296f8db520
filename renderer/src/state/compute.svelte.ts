import { isKernelStudioError } from '#core/errors';
import type { ComputeBackend } from '#core/layer-types';
import type { DeviceLostEvent } from '#core/types';
import {
  cpuAfterDeviceLoss,
  cpuAfterOutOfMemory,
  selectBackend,
  type BackendPreference,
  type BackendReason,
  type BackendSelection,
} from '../compute/select';
import { describeAdapter, GpuOutOfMemoryError } from '../../../gpu/context';

export type { BackendPreference };

export interface ActiveBackend {
  readonly kind: ComputeBackend['kind'];
  readonly label: string;
  /** Why this backend is active (the status bar says it in the UI's language). */
  readonly why: BackendReason;
  /** What WebGPU adapter exists, whether or not it is used. */
  readonly adapter: string;
}

const STORAGE_KEY = 'kernel-studio.backend';

function savedPreference(): BackendPreference {
  const saved = globalThis.localStorage?.getItem(STORAGE_KEY);
  return saved === 'cpu' || saved === 'webgpu' ? saved : 'auto';
}

/** How long a failover waits for the lost device's own event (it comes first in practice: gpu/context.ts). */
export const FAILOVER_WAIT_MS = 10_000;

/** Picks a backend for a preference: `selectBackend` in the app; tests hand in their own adapters. */
export type SelectBackend = (preference: BackendPreference) => Promise<BackendSelection>;

/**
 * Which compute backend runs corr2d and training, and why. The user's choice
 * (auto / CPU / WebGPU) is remembered; the status bar shows `active`. When the
 * GPU device is lost (not deliberately destroyed), work moves to CPU and
 * `deviceLost` stays set so the UI can offer to retry the GPU.
 */
export class ComputeState {
  preference = $state<BackendPreference>(savedPreference());
  active = $state.raw<ActiveBackend | null>(null);
  backend = $state.raw<ComputeBackend | null>(null);
  /** Set after an unexpected device loss, until the user retries or picks another backend. */
  deviceLost = $state.raw<DeviceLostEvent | null>(null);
  private generation = 0;
  private unsubscribeLoss: (() => void) | undefined;
  /** Who awaits the next installed backend (`ready`, `failOver`). */
  private waiting: ((backend: ComputeBackend) => void)[] = [];

  constructor(private readonly select: SelectBackend = (preference) => selectBackend({ preference })) {}

  /** The active backend: now if one is installed, else once the first `choose` installs one. */
  ready(): Promise<ComputeBackend> {
    return this.replacing(null);
  }

  /**
   * Work on `failed` threw `error`. When that error is a GPU failing (out of memory, or its device
   * lost), the work moves: this resolves with the backend that replaces `failed` (the CPU, or what a
   * newer choice installed), to continue the work there. Any other error, or one from the CPU, is not
   * ours to handle: null. A lost device's replacement is installed by the device's own loss event;
   * should that not come within FAILOVER_WAIT_MS, null.
   */
  async failOver(failed: ComputeBackend | null, error: unknown): Promise<ComputeBackend | null> {
    if (this.fallBackAfterOutOfMemory(failed, error)) return this.replacing(failed);
    if (failed?.kind !== 'webgpu' || !isKernelStudioError(error) || error.code !== 'device-lost') return null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<null>(
      (resolve) => (timer = setTimeout(() => resolve(null), FAILOVER_WAIT_MS)),
    );
    try {
      return await Promise.race([this.replacing(failed), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The installed backend if it is not `old`, else the next one installed. */
  private replacing(old: ComputeBackend | null): Promise<ComputeBackend> {
    const now = this.backend;
    if (now && now !== old) return Promise.resolve(now);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Picks the backend for `preference`; a newer call wins over one still in flight. */
  async choose(preference: BackendPreference = this.preference): Promise<void> {
    const generation = ++this.generation;
    this.preference = preference;
    this.deviceLost = null;
    globalThis.localStorage?.setItem(STORAGE_KEY, preference);
    const selection = await this.select(preference);
    if (generation !== this.generation) {
      selection.backend.dispose();
      return;
    }
    const adapter = selection.adapterDescription ?? (await this.probeAdapter());
    if (generation !== this.generation) {
      selection.backend.dispose();
      return;
    }
    this.install(selection, adapter);
  }

  private adapterProbe: Promise<string> | undefined;

  /** What adapter the browser offers, for the About dialog, even when CPU was chosen without asking. */
  private probeAdapter(): Promise<string> {
    this.adapterProbe ??= (async () => {
      const adapter = await globalThis.navigator?.gpu?.requestAdapter().catch(() => null);
      return adapter ? describeAdapter(adapter) : 'none';
    })();
    return this.adapterProbe;
  }

  /**
   * After a device loss: ask for a fresh device with the same preference. If none can be
   * had the CPU stays, and the status bar says why; a running training run moves back
   * to the new backend by itself (TrainingSession hands its state over).
   */
  retryGpu(): Promise<void> {
    return this.choose(this.preference);
  }

  /** The user read the device-loss notice and stays on CPU. */
  dismissDeviceLost(): void {
    this.deviceLost = null;
  }

  /**
   * Work on `failed` hit a GPU out-of-memory error: move to the CPU, which has the host's
   * memory, and say why in the status bar. The caller keeps its state and retries the work
   * on the new backend when this returns true (also when another change already replaced
   * `failed`). Any other error, or one from the CPU, is not ours to handle: false.
   */
  fallBackAfterOutOfMemory(failed: ComputeBackend | null, error: unknown): boolean {
    if (!(error instanceof GpuOutOfMemoryError) || failed?.kind !== 'webgpu') return false;
    if (failed === this.backend) this.replaceWithCpu((adapter) => cpuAfterOutOfMemory(error.work, adapter));
    return true;
  }

  /** Puts the CPU in place of the current backend now, cancelling any `choose` still in flight. */
  private replaceWithCpu(cpuFor: (adapter: string) => BackendSelection): void {
    this.generation++;
    const adapter = this.active?.adapter ?? 'none';
    this.install(cpuFor(adapter), adapter);
  }

  private install({ backend, why }: BackendSelection, adapter: string): void {
    this.unsubscribeLoss?.();
    this.unsubscribeLoss = undefined;
    const previous = this.backend;
    this.backend = backend;
    this.active = { kind: backend.kind, label: backend.label, why, adapter };
    if (previous && previous !== backend) previous.dispose();
    this.unsubscribeLoss = backend.onDeviceLost?.((event) => this.onDeviceLost(backend, event));
    const waiting = this.waiting;
    this.waiting = [];
    for (const resolve of waiting) resolve(backend);
  }

  private onDeviceLost(lost: ComputeBackend, event: DeviceLostEvent): void {
    // Our own dispose destroys devices of backends already replaced: nothing to do.
    if (lost !== this.backend) return;
    // 'destroyed' was deliberate: move to CPU but offer no GPU retry.
    this.deviceLost = event.reason === 'destroyed' ? null : event;
    this.replaceWithCpu((adapter) => cpuAfterDeviceLoss(event, adapter));
  }
}
