/**
 * `createTrainer(config, resumeFrom)` on WebGPU: a run exported by the CPU continues on the
 * GPU with its optimizer moments (Adam here), and a state that does not fit the kernel is
 * refused with a one-line error before anything is uploaded.
 */
import { expect, test } from 'vitest';
import { CpuLayerTrainer } from '#core/cpu/index';
import { randomMatrix } from '#core/random';
import type { TrainConfig } from '#core/types';
import { expectClose } from '../helpers/numeric';
import { webgpuBackend } from './webgpuHarness';
import { oneKernelLayer } from '../helpers/one-kernel';

const config: TrainConfig = {
  x: randomMatrix(12, 14, 11, -1, 1),
  y: randomMatrix(10, 11, 12, -1, 1),
  mode: 'convolve',
  activation: 'none',
  useBias: true,
  loss: 'mean',
  optimizer: { kind: 'adam', lr: 0.05 },
  initWeight: randomMatrix(3, 4, 13, -0.3, 0.3),
  initBias: 0.1,
};

test('a CPU run continues on WebGPU exactly where it stopped, Adam moments included', async () => {
  const whole = new CpuLayerTrainer(oneKernelLayer(config));
  const expected = whole.runSync(12);
  const end = whole.snapshotSync();

  const head = new CpuLayerTrainer(oneKernelLayer(config));
  head.runSync(5);
  const gpu = await webgpuBackend();
  const resumed = await gpu.createLayerTrainer(oneKernelLayer(config), head.exportState());
  try {
    expect((await resumed.snapshot()).step).toBe(5);
    const tail = await resumed.run(7);
    expect(tail.firstStep).toBe(6);
    expectClose(tail.losses, expected.losses.slice(5), 1e-4, 'losses after resume');
    const snap = await resumed.snapshot();
    expect(snap.step).toBe(12);
    expectClose(snap.weight.data, end.weight.data, 1e-4, 'weight after resume');
    expectClose(snap.bias, end.bias, 1e-4, 'bias after resume');
  } finally {
    resumed.dispose();
  }
});

test('a resume state that does not fit the kernel is refused with a one-line error', async () => {
  const head = new CpuLayerTrainer(oneKernelLayer(config));
  head.runSync(2);
  const state = { ...head.exportState(), moment2: new Float64Array(4) };
  const gpu = await webgpuBackend();
  await expect(gpu.createLayerTrainer(oneKernelLayer(config), state)).rejects.toMatchObject({
    code: 'invalid-argument',
    message: 'Cannot resume the run: moment2 holds 4 values, the kernel needs 13.',
  });
});
