/**
 * ComputeState's failover, behind a promise: when the GPU's device is lost or runs out of
 * memory, `failOver` resolves with the backend that replaces it (the CPU), and `ready`
 * with the first backend installed. Node has no WebGPU, so the "GPU" here is a real CPU
 * backend that says it is WebGPU and whose device loss the test fires; the state class,
 * the CPU it falls back to and the reasons it gives are the real ones.
 */
import { flushSync } from 'svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createCpuBackend } from '#core/cpu/index';
import { KernelStudioError } from '#core/errors';
import type { ComputeBackend } from '#core/layer-types';
import type { DeviceLostEvent, DeviceLostListener } from '#core/types';
import { GpuOutOfMemoryError } from '../../gpu/context';
import type { BackendSelection } from '../../renderer/src/compute/select';
import { ComputeState, FAILOVER_WAIT_MS } from '../../renderer/src/state/compute.svelte';

interface StandInGpu extends ComputeBackend {
  lose(event: DeviceLostEvent): void;
  disposed: boolean;
}

/** A backend that reports itself as WebGPU and whose device loss the test controls. */
function standInGpu(): StandInGpu {
  const listeners = new Set<DeviceLostListener>();
  const cpu = createCpuBackend();
  const gpu: StandInGpu = {
    ...cpu,
    kind: 'webgpu',
    label: 'WebGPU · stand-in',
    disposed: false,
    onDeviceLost(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    lose(event) {
      for (const listener of [...listeners]) listener(event);
    },
    dispose() {
      gpu.disposed = true;
    },
  };
  return gpu;
}

function gpuSelection(gpu: ComputeBackend): BackendSelection {
  return {
    backend: gpu,
    why: { key: 'reason.hardware' },
    adapterDescription: 'stand-in adapter',
  };
}

/** A ComputeState whose `choose` installs `gpu` (after `delay` ms when given). */
function stateWith(gpu: ComputeBackend, delay = 0): ComputeState {
  return new ComputeState(async () => {
    if (delay) await new Promise((r) => setTimeout(r, delay));
    return gpuSelection(gpu);
  });
}

const lostError = new KernelStudioError('device-lost', 'The GPU device was lost (unknown).');

/** Whether `promise` has settled once pending callbacks have run. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(() => (done = true));
  await new Promise((r) => setTimeout(r, 0));
  return done;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('ComputeState: the backend behind a promise', () => {
  it('ready() waits for the first backend, then answers at once', async () => {
    const gpu = standInGpu();
    const compute = stateWith(gpu, 20);
    const ready = compute.ready();
    expect(await settled(ready)).toBe(false);
    await compute.choose('auto');
    expect(await ready).toBe(gpu);
    expect(await compute.ready()).toBe(gpu);
  });

  it('an unexpected device loss moves to the CPU; failOver resolves with it, and the retry offer stays', async () => {
    const gpu = standInGpu();
    const compute = stateWith(gpu);
    await compute.choose('auto');
    // The run's readback failed first; the device's own loss event comes after.
    const replacement = compute.failOver(gpu, lostError);
    expect(await settled(replacement)).toBe(false);
    gpu.lose({ reason: 'unknown', message: 'driver reset' });
    flushSync();
    const cpu = await replacement;
    expect(cpu?.kind).toBe('cpu');
    expect(compute.backend).toBe(cpu);
    expect(gpu.disposed).toBe(true);
    expect(compute.deviceLost).toEqual({ reason: 'unknown', message: 'driver reset' });
    expect(compute.active?.why).toMatchObject({
      key: 'reason.deviceLost',
      params: { detail: 'unknown: driver reset' },
    });
    // Asked again, after the move: the same CPU at once.
    expect(await compute.failOver(gpu, lostError)).toBe(cpu);
  });

  it('a deliberate destroy moves to the CPU without offering a GPU retry', async () => {
    const gpu = standInGpu();
    const compute = stateWith(gpu);
    await compute.choose('auto');
    gpu.lose({ reason: 'destroyed', message: '' });
    expect(compute.backend?.kind).toBe('cpu');
    expect(compute.deviceLost).toBeNull();
  });

  it('out of memory moves to the CPU at once and says for what; the device still works, so no retry offer', async () => {
    const gpu = standInGpu();
    const compute = stateWith(gpu);
    await compute.choose('auto');
    const error = new GpuOutOfMemoryError({ kind: 'training', rows: 4096, cols: 4096 }, 'allocation failed');
    const cpu = await compute.failOver(gpu, error);
    expect(cpu?.kind).toBe('cpu');
    expect(compute.backend).toBe(cpu);
    expect(compute.deviceLost).toBeNull();
    expect(compute.active?.why).toMatchObject({
      key: 'reason.outOfMemoryTraining',
      params: { shape: '4096×4096' },
    });
    expect(compute.active?.adapter).toBe('stand-in adapter');
  });

  it('errors that are not the GPU failing are not moved: null, and the backend stays', async () => {
    const gpu = standInGpu();
    const compute = stateWith(gpu);
    await compute.choose('auto');
    expect(await compute.failOver(gpu, new KernelStudioError('invalid-argument', 'bad kernel'))).toBeNull();
    expect(await compute.failOver(gpu, new Error('boom'))).toBeNull();
    const cpu = createCpuBackend();
    expect(await compute.failOver(cpu, lostError)).toBeNull();
    expect(compute.backend).toBe(gpu);
  });

  it('a GPU already replaced by a newer choice resolves with that choice', async () => {
    const first = standInGpu();
    const second = standInGpu();
    let next: ComputeBackend = first;
    const compute = new ComputeState(async () => gpuSelection(next));
    await compute.choose('auto');
    next = second;
    await compute.choose('webgpu');
    expect(first.disposed).toBe(true);
    expect(await compute.failOver(first, lostError)).toBe(second);
    // The replaced backend's late loss event changes nothing.
    first.lose({ reason: 'unknown', message: 'late' });
    expect(compute.backend).toBe(second);
    expect(compute.deviceLost).toBeNull();
  });

  it('a device-lost error whose loss event never comes gives up after FAILOVER_WAIT_MS (no hang)', async () => {
    const gpu = standInGpu();
    const compute = stateWith(gpu);
    await compute.choose('auto');
    vi.useFakeTimers();
    let result: ComputeBackend | null | 'pending' = 'pending';
    void compute.failOver(gpu, lostError).then((r) => (result = r));
    await vi.advanceTimersByTimeAsync(FAILOVER_WAIT_MS - 1);
    expect(result).toBe('pending');
    await vi.advanceTimersByTimeAsync(1);
    expect(result).toBeNull();
    expect(compute.backend).toBe(gpu);
  });
});
