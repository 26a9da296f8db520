/** Shared by the GPU tests: one WebGPU backend per test file, forced onto SwiftShader. */
import type { WebGpuBackend } from '../../gpu/backend';
import { createWebGpuBackend } from '../../gpu/backend';

let shared: Promise<WebGpuBackend> | null = null;

export function webgpuBackend(): Promise<WebGpuBackend> {
  shared ??= createWebGpuBackend();
  return shared;
}
