/** Backend selection: what runs, and the reason shown to the user. */
import { describe, expect, test } from 'vitest';
import type { ComputeBackend } from '../../core/types';
import { selectBackend } from '../../renderer/src/compute/select';

function fakeAdapter(info: Partial<GPUAdapterInfo> & { isFallbackAdapter?: boolean }): GPUAdapter {
  return { info, limits: {}, features: new Set() } as unknown as GPUAdapter;
}
const fakeGpu = (adapter: GPUAdapter | null) => ({ requestAdapter: async () => adapter });
const stubWebGpu = async (adapter: GPUAdapter): Promise<ComputeBackend> =>
  ({
    kind: 'webgpu',
    label: `WebGPU · ${adapter.info.vendor} ${adapter.info.architecture}`,
  }) as ComputeBackend;

describe('selectBackend', () => {
  test('no WebGPU at all → CPU', async () => {
    const s = await selectBackend({ gpu: null });
    expect(s.backend.kind).toBe('cpu');
    expect(s.reason).toMatch(/^CPU — .*no WebGPU/);
  });

  test('no adapter → CPU, also when WebGPU is forced', async () => {
    const auto = await selectBackend({ gpu: fakeGpu(null) });
    expect(auto.backend.kind).toBe('cpu');
    const forced = await selectBackend({ gpu: fakeGpu(null), preference: 'webgpu' });
    expect(forced.backend.kind).toBe('cpu');
    expect(forced.reason).toMatch(/WebGPU was requested but no GPU adapter/);
  });

  test('fallback adapter → CPU in auto, naming the adapter', async () => {
    const s = await selectBackend({
      gpu: fakeGpu(fakeAdapter({ vendor: 'google', architecture: 'swiftshader', isFallbackAdapter: true })),
      createWebGpu: stubWebGpu,
    });
    expect(s.backend.kind).toBe('cpu');
    expect(s.reason).toBe('CPU — only a software (fallback) GPU adapter: google swiftshader');
    expect(s.adapterDescription).toBe('google swiftshader');
  });

  test('hardware adapter → WebGPU', async () => {
    const s = await selectBackend({
      gpu: fakeGpu(fakeAdapter({ vendor: 'nvidia', architecture: 'ampere' })),
      createWebGpu: stubWebGpu,
    });
    expect(s.backend.kind).toBe('webgpu');
    expect(s.reason).toBe('WebGPU · nvidia ampere');
  });

  test('WebGPU that fails to start → CPU with the error', async () => {
    const s = await selectBackend({
      gpu: fakeGpu(fakeAdapter({ vendor: 'nvidia', architecture: 'ampere' })),
      createWebGpu: async () => {
        throw new Error('requestDevice failed');
      },
    });
    expect(s.backend.kind).toBe('cpu');
    expect(s.reason).toMatch(/WebGPU failed to start on nvidia ampere: requestDevice failed/);
  });

  test('forced CPU → CPU', async () => {
    const s = await selectBackend({ preference: 'cpu' });
    expect(s.backend.kind).toBe('cpu');
    expect(s.reason).toBe('CPU — chosen in settings');
  });

  test('this browser: SwiftShader is a fallback adapter, so auto picks CPU', async () => {
    const s = await selectBackend();
    expect(s.backend.kind).toBe('cpu');
    expect(s.reason).toMatch(/software \(fallback\) GPU adapter: .*swiftshader/i);
  });

  test('this browser: forcing WebGPU works on SwiftShader and computes', async () => {
    const s = await selectBackend({ preference: 'webgpu' });
    try {
      expect(s.backend.kind).toBe('webgpu');
      expect(s.backend.label).toMatch(/^WebGPU · google swiftshader/);
      expect(s.reason).toMatch(/forced on a software adapter/);
      const y = await s.backend.forward(
        { rows: 3, cols: 3, data: Float32Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8]) },
        { rows: 2, cols: 2, data: Float32Array.from([0, 1, 2, 3]) },
        { mode: 'correlate', bias: 0, activation: 'none' },
      );
      expect(Array.from(y.data)).toEqual([19, 25, 37, 43]);
    } finally {
      s.backend.dispose();
    }
  });
});
