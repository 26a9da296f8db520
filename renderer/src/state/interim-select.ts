import { createCpuBackend } from '../../../core/cpu';
import type { ComputeBackend } from '../../../core/types';

/** Interim: CPU with an adapter probe, until renderer/src/compute/select.ts lands. */
export async function selectBackend(
  _preference: 'auto' | 'cpu' | 'webgpu',
): Promise<{ backend: ComputeBackend; reason: string; adapterDescription: string }> {
  const adapter = await navigator.gpu?.requestAdapter();
  const info = adapter?.info;
  const adapterDescription = info ? `${info.vendor} ${info.architecture}`.trim() : 'none';
  return { backend: createCpuBackend(), reason: 'interim', adapterDescription };
}
