/**
 * WebGPU in Node: installs Dawn for Node's `navigator.gpu` (the optional `webgpu` package)
 * so that gpu/ (createWebGpuBackend, our programs, tfjs-webgpu) runs unmodified in the CLI,
 * the Node GPU tests and the Node bench. Without a GPU, Dawn runs on SwiftShader's Vulkan
 * driver, which Debian's chromium ships
 * (scripts/swiftshader.mjs).
 */
import { swiftShaderEnv } from '../scripts/swiftshader.mjs';

/** Why WebGPU is unavailable in this Node process, in one line (for errors and skips). */
export type DawnStatus = { readonly ok: true } | { readonly ok: false; readonly reason: string };

interface DawnModule {
  create(flags: string[]): GPU;
  globals: Record<string, unknown>;
}

let installed: Promise<DawnStatus> | null = null;

/**
 * Points Dawn at SwiftShader when the caller has not chosen a Vulkan driver and the file
 * exists (CPU machines, CI). Returns the ICD used, or null when the environment decides.
 */
export function preferSwiftShaderIcd(env: NodeJS.ProcessEnv = process.env): string | null {
  const chosen = swiftShaderEnv(env);
  Object.assign(env, chosen);
  return chosen.VK_ICD_FILENAMES ?? null;
}

/**
 * Installs `navigator.gpu` from Dawn once per process (a no-op where one exists already).
 * Never throws: when the optional `webgpu` package is missing or fails to load, the status
 * says so and how to fix it.
 */
export function installDawn(): Promise<DawnStatus> {
  installed ??= load();
  return installed;
}

/** The one line that says why importing `webgpu` failed and what to do. */
export function dawnUnavailable(error: unknown): string {
  if ((error as { code?: string }).code === 'ERR_MODULE_NOT_FOUND')
    return 'WebGPU needs the optional package "webgpu" (Dawn for Node), which is not installed; run `npm install webgpu`.';
  const message = error instanceof Error ? error.message : String(error);
  return `the optional package "webgpu" (Dawn for Node) failed to load: ${message.split('\n')[0]}`;
}

/**
 * Dawn's own flags, comma-separated, from KERNEL_STUDIO_DAWN_FLAGS: e.g. `backend=null` runs
 * everything on Dawn's null backend (no GPU work at all), which measures the host's cost alone.
 */
export function dawnFlags(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env.KERNEL_STUDIO_DAWN_FLAGS ?? '')
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean);
}

async function load(): Promise<DawnStatus> {
  if (globalThis.navigator?.gpu) return { ok: true };
  let dawn: DawnModule;
  try {
    dawn = (await import('webgpu')) as unknown as DawnModule;
  } catch (e) {
    return { ok: false, reason: dawnUnavailable(e) };
  }
  Object.assign(globalThis, dawn.globals);
  const gpu = dawn.create(dawnFlags());
  // Node ≥ 21 defines a read-only navigator; define the property rather than assign it.
  if (globalThis.navigator)
    Object.defineProperty(globalThis.navigator, 'gpu', { value: gpu, configurable: true });
  else Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  return { ok: true };
}
