/**
 * The backend rule, shared by the app (renderer/src/compute/select.ts) and the CLI:
 *
 * auto:   a hardware adapter → WebGPU; a software (fallback) adapter such as SwiftShader,
 *         or none → CPU (a software GPU is slower than our CPU kernels).
 * cpu:    always CPU.
 * webgpu: WebGPU on any adapter, fallback included (that is how the tests run it). With no
 *         adapter the decision is CPU, marked `forced`: the app falls back and says so, the CLI
 *         refuses.
 */
import type { BackendKind } from './types';

export const BACKEND_PREFERENCES = ['auto', 'webgpu', 'cpu'] as const;
export type BackendPreference = (typeof BACKEND_PREFERENCES)[number];

/** What looking for WebGPU found: no API, no adapter, or a software or hardware adapter. */
export type AdapterProbe = 'no-webgpu' | 'no-adapter' | 'software' | 'hardware';

export type BackendDecisionReason =
  'forced-cpu' | 'no-webgpu' | 'no-adapter' | 'fallback' | 'hardware' | 'forced-on-fallback';

export interface BackendDecision {
  readonly backend: BackendKind;
  readonly why: BackendDecisionReason;
  /** WebGPU was asked for explicitly (so a CPU decision means "requested but unavailable"). */
  readonly forced: boolean;
}

/** Whether the rule needs an adapter probe at all for this preference. */
export function needsAdapterProbe(preference: BackendPreference): boolean {
  return preference !== 'cpu';
}

/** The rule; `probe` is ignored for 'cpu' (pass null: no adapter needs requesting). */
export function decideBackend(preference: BackendPreference, probe: AdapterProbe | null): BackendDecision {
  const forced = preference === 'webgpu';
  if (!needsAdapterProbe(preference)) return { backend: 'cpu', why: 'forced-cpu', forced };
  if (probe === null || probe === 'no-webgpu') return { backend: 'cpu', why: 'no-webgpu', forced };
  if (probe === 'no-adapter') return { backend: 'cpu', why: 'no-adapter', forced };
  if (probe === 'software' && !forced) return { backend: 'cpu', why: 'fallback', forced };
  return { backend: 'webgpu', why: probe === 'software' ? 'forced-on-fallback' : 'hardware', forced };
}
