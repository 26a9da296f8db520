/** Backend selection: what runs, and the reason shown to the user. */
import { describe, expect, test } from 'vitest';
import type { ComputeBackend } from '#core/layer-types';
import { adapterIsFallback, adapterLabel, describeAdapter } from '../../gpu/context';
import { selectBackend } from '../../renderer/src/compute/select';
import { reasonText } from '../../renderer/src/i18n/reason';
import { forwardOneKernel } from '../helpers/one-kernel';

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
    expect(reasonText(s.why)).toMatch(/no WebGPU/);
  });

  test('no adapter → CPU, also when WebGPU is forced', async () => {
    const auto = await selectBackend({ gpu: fakeGpu(null) });
    expect(auto.backend.kind).toBe('cpu');
    const forced = await selectBackend({ gpu: fakeGpu(null), preference: 'webgpu' });
    expect(forced.backend.kind).toBe('cpu');
    expect(reasonText(forced.why)).toMatch(/WebGPU was requested but no GPU adapter/);
  });

  test('fallback adapter → CPU in auto, naming the adapter', async () => {
    const s = await selectBackend({
      gpu: fakeGpu(fakeAdapter({ vendor: 'google', architecture: 'swiftshader', isFallbackAdapter: true })),
      createWebGpu: stubWebGpu,
    });
    expect(s.backend.kind).toBe('cpu');
    expect(reasonText(s.why)).toBe('only a software (fallback) GPU adapter: google swiftshader');
    expect(s.adapterDescription).toBe('google swiftshader');
  });

  test('hardware adapter → WebGPU', async () => {
    const s = await selectBackend({
      gpu: fakeGpu(fakeAdapter({ vendor: 'nvidia', architecture: 'ampere' })),
      createWebGpu: stubWebGpu,
    });
    expect(s.backend.kind).toBe('webgpu');
    // The status bar names the adapter once (from adapterDescription), so the reason does not.
    expect(reasonText(s.why)).toBe('a hardware GPU adapter');
    expect(s.adapterDescription).toBe('nvidia ampere');
  });

  test('WebGPU that fails to start → CPU with the error', async () => {
    const s = await selectBackend({
      gpu: fakeGpu(fakeAdapter({ vendor: 'nvidia', architecture: 'ampere' })),
      createWebGpu: async () => {
        throw new Error('requestDevice failed');
      },
    });
    expect(s.backend.kind).toBe('cpu');
    expect(reasonText(s.why)).toMatch(/WebGPU failed to start on nvidia ampere: requestDevice failed/);
  });

  test('forced CPU → CPU', async () => {
    const s = await selectBackend({ preference: 'cpu' });
    expect(s.backend.kind).toBe('cpu');
    expect(reasonText(s.why)).toBe('chosen in settings');
  });

  // The real adapter (Chromium's SwiftShader, Dawn's SwiftShader, or a hardware GPU through Dawn):
  // what auto picks and what the label says derive from its own info, not from SwiftShader's.
  async function realAdapter(): Promise<GPUAdapter> {
    const adapter = await navigator.gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (!adapter) throw new Error('the GPU tests need a WebGPU adapter');
    return adapter;
  }

  test('this adapter: auto picks CPU on a software adapter, WebGPU on hardware', async () => {
    const adapter = await realAdapter();
    const s = await selectBackend();
    try {
      if (adapterIsFallback(adapter)) {
        expect(s.backend.kind).toBe('cpu');
        expect(reasonText(s.why)).toBe(`only a software (fallback) GPU adapter: ${describeAdapter(adapter)}`);
      } else {
        expect(s.backend.kind).toBe('webgpu');
        expect(reasonText(s.why)).toBe('a hardware GPU adapter');
        expect(s.backend.label).toBe(`WebGPU · ${adapterLabel(adapter.info)}`);
      }
    } finally {
      s.backend.dispose();
    }
  });

  test('this adapter: forcing WebGPU works and computes', async () => {
    const adapter = await realAdapter();
    const s = await selectBackend({ preference: 'webgpu' });
    try {
      expect(s.backend.kind).toBe('webgpu');
      expect(s.backend.label).toBe(`WebGPU · ${adapterLabel(adapter.info)}`);
      if (adapterIsFallback(adapter)) expect(reasonText(s.why)).toMatch(/forced on a software adapter/);
      else expect(reasonText(s.why)).toBe(s.backend.label);
      const y = await forwardOneKernel(
        s.backend,
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

describe('adapterLabel', () => {
  test('vendor and architecture where the architecture is known', () => {
    expect(adapterLabel({ vendor: 'google', architecture: 'swiftshader', description: 'SwiftShader' })).toBe(
      'google swiftshader',
    );
  });

  test('an empty architecture (NVIDIA through Dawn) names the chip from the description', () => {
    expect(adapterLabel({ vendor: 'nvidia', architecture: '', description: 'NVIDIA H200' })).toBe(
      'NVIDIA H200',
    );
    expect(adapterLabel({ vendor: 'amd', architecture: '', description: 'Radeon RX 7900' })).toBe(
      'amd Radeon RX 7900',
    );
    expect(adapterLabel({ vendor: 'nvidia', architecture: '', description: '', device: '' })).toBe('nvidia');
  });
});
