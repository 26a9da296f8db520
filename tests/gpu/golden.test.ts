/** Every PyTorch golden case on the WebGPU backend, within each file's own tolerance. */
import { describe, expect, test } from 'vitest';
import { fromRows } from '#core/matrix';
import type { TrainPath } from '../../gpu/trainer';
import { firstMismatch, flat, forwardCases, goldenCases, trainCases, trainConfigOf } from './goldenCases';
import { webgpuBackend } from './webgpuHarness';
import { oneKernelLayer, forwardOneKernel } from '../helpers/one-kernel';

test('the golden files were found', () => {
  expect(goldenCases.length).toBeGreaterThanOrEqual(8);
  expect(forwardCases.length).toBeGreaterThan(0);
  expect(trainCases.length).toBeGreaterThan(0);
});

describe('forward golden cases on WebGPU', () => {
  test.each(forwardCases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const gpu = await webgpuBackend();
    const y = await forwardOneKernel(gpu, fromRows(c.x), fromRows(c.k), {
      mode: c.mode,
      bias: c.bias,
      activation: c.activation,
    });
    expect(firstMismatch(y.data, flat(c.expected.y), c.tolerance)).toBeNull();
  });
});

describe.each<TrainPath>(['single-workgroup', 'tiled'])(
  'training golden cases on WebGPU (%s path)',
  (path) => {
    test.each(trainCases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
      const gpu = await webgpuBackend();
      const trainer = await gpu.createLayerTrainerOnPath(oneKernelLayer(trainConfigOf(c)), path);
      try {
        // Two runs: losses must continue across readbacks, not restart.
        const first = Math.floor(c.steps / 2);
        const a = await trainer.run(first);
        const b = await trainer.run(c.steps - first);
        expect(a.firstStep).toBe(1);
        expect(b.firstStep).toBe(first + 1);
        expect(a.diverged).toBeUndefined();
        expect(b.diverged).toBeUndefined();
        const losses = [...a.losses, ...b.losses];
        expect(firstMismatch(losses, c.expected.loss, c.tolerance)).toBeNull();
        const snap = await trainer.snapshot();
        expect(snap.step).toBe(c.steps);
        expect(firstMismatch(snap.weight.data, flat(c.expected.weight), c.tolerance)).toBeNull();
        expect(firstMismatch(snap.bias, [c.expected.bias], c.tolerance)).toBeNull();
      } finally {
        trainer.dispose();
      }
    });
  },
);
