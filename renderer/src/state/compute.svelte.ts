import type { ComputeBackend } from '../../../core/types';
import { selectBackend } from './interim-select';

export type BackendPreference = 'auto' | 'cpu' | 'webgpu';

export interface ActiveBackend {
  readonly kind: ComputeBackend['kind'];
  readonly label: string;
  /** Why this backend is active, in words for the status bar. */
  readonly reason: string;
  /** What WebGPU adapter exists, whether or not it is used. */
  readonly adapter: string;
}

const STORAGE_KEY = 'kernel-studio.backend';

function savedPreference(): BackendPreference {
  const saved = globalThis.localStorage?.getItem(STORAGE_KEY);
  return saved === 'cpu' || saved === 'webgpu' ? saved : 'auto';
}

/**
 * Which compute backend runs corr2d and training, and why. The user's choice
 * (auto / CPU / WebGPU) is remembered; the status bar shows `active`.
 */
export class ComputeState {
  preference = $state<BackendPreference>(savedPreference());
  active = $state.raw<ActiveBackend | null>(null);
  backend = $state.raw<ComputeBackend | null>(null);
  private generation = 0;

  /** Picks the backend for `preference`; a newer call wins over one still in flight. */
  async choose(preference: BackendPreference = this.preference): Promise<void> {
    const generation = ++this.generation;
    this.preference = preference;
    globalThis.localStorage?.setItem(STORAGE_KEY, preference);
    const selection = await selectBackend(preference);
    if (generation !== this.generation) {
      selection.backend.dispose();
      return;
    }
    this.backend?.dispose();
    this.backend = selection.backend;
    this.active = {
      kind: selection.backend.kind,
      label: selection.backend.label,
      reason: selection.reason,
      adapter: selection.adapterDescription,
    };
  }
}
