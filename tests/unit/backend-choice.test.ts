/** The backend rule the app and the CLI share (core/backend-choice.ts). */
import { describe, expect, test } from 'vitest';
import type { AdapterProbe } from '#core/backend-choice';
import { decideBackend } from '#core/backend-choice';

const probes: AdapterProbe[] = ['no-webgpu', 'no-adapter', 'software', 'hardware'];

describe('decideBackend', () => {
  test('auto: WebGPU only on a hardware adapter', () => {
    expect(probes.map((p) => decideBackend('auto', p).backend)).toEqual(['cpu', 'cpu', 'cpu', 'webgpu']);
    expect(decideBackend('auto', 'software')).toEqual({ backend: 'cpu', why: 'fallback', forced: false });
    expect(decideBackend('auto', 'hardware')).toEqual({ backend: 'webgpu', why: 'hardware', forced: false });
  });

  test('webgpu: any adapter, software included; none is a forced CPU decision', () => {
    expect(decideBackend('webgpu', 'software')).toEqual({
      backend: 'webgpu',
      why: 'forced-on-fallback',
      forced: true,
    });
    expect(decideBackend('webgpu', 'hardware').backend).toBe('webgpu');
    expect(decideBackend('webgpu', 'no-adapter')).toEqual({
      backend: 'cpu',
      why: 'no-adapter',
      forced: true,
    });
    expect(decideBackend('webgpu', 'no-webgpu')).toEqual({ backend: 'cpu', why: 'no-webgpu', forced: true });
  });

  test('cpu: always CPU, whatever the adapter', () => {
    for (const p of [...probes, null])
      expect(decideBackend('cpu', p)).toMatchObject({ backend: 'cpu', why: 'forced-cpu' });
  });
});
