/**
 * `--backend auto|webgpu|cpu`: which engine runs a CLI command. The rule is the app's
 * (core/backend-choice.ts); WebGPU comes from Dawn for Node (cli/dawn.ts). Unlike the app,
 * the CLI does not fall back when WebGPU is asked for by name: it fails with the reason.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BackendPreference } from '#core/backend-choice';
import { BACKEND_PREFERENCES, decideBackend } from '#core/backend-choice';
import { userMessage } from '#core/errors';
import type { WebGpuBackend } from '../gpu/backend';
import type { ParsedOptions } from './args';
import { choiceOption } from './args';
import { installDawn, preferSwiftShaderIcd } from './dawn';
import { CliError } from './errors';

/** The options' entries in a command's OptionTable: --verbose lets the GPU drivers' own messages through. */
export const BACKEND_OPTION = { backend: 'string', verbose: 'boolean' } as const;

/**
 * The CLI's default stays the CPU it always used: scripts get the same numbers, speed and a quiet
 * stderr (probing Vulkan drivers costs ~0.5 s and drivers print to stderr). `auto` opts into the app's rule.
 */
export const DEFAULT_BACKEND: BackendPreference = 'cpu';

export function backendPreference(options: ParsedOptions): BackendPreference {
  return choiceOption(options, 'backend', BACKEND_PREFERENCES, DEFAULT_BACKEND);
}

/** CPU (null) or a WebGPU backend the caller disposes. */
export type CliBackend = WebGpuBackend | null;

function unavailable(preference: BackendPreference, reason: string): null {
  if (preference === 'webgpu') throw new CliError(`--backend webgpu: ${reason}`);
  return null;
}

/**
 * Keeps GPU driver noise off the user's stderr. Drivers write to file descriptor 2 from native
 * code, so it cannot be filtered; what they print is about the environment: without
 * XDG_RUNTIME_DIR, libwayland (loaded by the Vulkan WSI) prints "error: XDG_RUNTIME_DIR is invalid
 * or not set" once per probe. Where it is unset, the process gets a private empty one (0700,
 * removed on exit). --verbose leaves the environment, and the messages, as they are.
 */
export function quietDrivers(env: NodeJS.ProcessEnv = process.env): void {
  if (env.XDG_RUNTIME_DIR) return;
  const dir = mkdtempSync(join(tmpdir(), 'kernel-studio-runtime-'));
  env.XDG_RUNTIME_DIR = dir;
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
}

/** Opens the backend `preference` asks for, by the app's rule. */
export async function openBackend(
  preference: BackendPreference,
  options: ParsedOptions,
): Promise<CliBackend> {
  if (preference === 'cpu') return null;
  if (!options.has('verbose')) quietDrivers();
  preferSwiftShaderIcd();
  const dawn = await installDawn();
  if (!dawn.ok) return unavailable(preference, dawn.reason);
  // Loaded only here: the CPU path never pays for tfjs.
  const [{ createWebGpuBackend }, { probeOf }] = await Promise.all([
    import('../gpu/backend'),
    import('../gpu/context'),
  ]);
  let adapter: GPUAdapter | null;
  try {
    adapter = await navigator.gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (e) {
    return unavailable(preference, `requesting a GPU adapter failed: ${userMessage(e)}`);
  }
  const decision = decideBackend(preference, probeOf(navigator.gpu, adapter));
  if (decision.backend === 'cpu' || !adapter)
    return decision.why === 'fallback'
      ? null
      : unavailable(preference, 'no GPU adapter is available (Dawn found no Vulkan driver).');
  try {
    return await createWebGpuBackend({ adapter });
  } catch (e) {
    return unavailable(preference, `WebGPU failed to start: ${userMessage(e)}`);
  }
}
