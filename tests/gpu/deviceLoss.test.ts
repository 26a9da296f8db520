/** device.destroy() in the middle of a run: no crash, the loss is reported, the run continues on CPU. */
import { expect, test } from 'vitest';
import { CpuLayerTrainer } from '#core/cpu/index';
import { isKernelStudioError } from '#core/errors';
import { randomMatrix } from '#core/random';
import { trainRef } from '#core/reference';
import type { TrainConfig } from '#core/types';
import { cpuAfterDeviceLoss } from '../../renderer/src/compute/select';
import { reasonText } from '../../renderer/src/i18n/reason';
import { createWebGpuBackend } from '../../gpu/backend';
import type { DeviceLostEvent } from '../../gpu/context';
import { expectClose } from '../helpers/numeric';
import { oneKernelLayer, forwardOneKernel } from '../helpers/one-kernel';

const config: TrainConfig = {
  x: randomMatrix(40, 44, 1, -1, 1),
  y: randomMatrix(38, 42, 2, -1, 1),
  mode: 'correlate',
  activation: 'none',
  useBias: true,
  loss: 'mean',
  optimizer: { kind: 'sgd', lr: 0.05 },
  initWeight: randomMatrix(3, 3, 3, -0.3, 0.3),
  initBias: 0,
};

test('destroying the device mid-run reports device-lost and the run continues on CPU', async () => {
  const gpu = await createWebGpuBackend();
  const lost: DeviceLostEvent[] = [];
  gpu.onDeviceLost((event) => lost.push(event));
  const trainer = await gpu.createLayerTrainer(oneKernelLayer(config));
  const before = await trainer.run(10);
  expect(before.losses.length).toBe(10);

  const pending = trainer.run(500);
  gpu.context.device.destroy();
  const error = await pending.then(
    () => null,
    (e: unknown) => e,
  );
  // The steps were encoded before destroy() but read back after it: our error, not a crash or a hang.
  expect(isKernelStudioError(error) && error.code).toBe('device-lost');
  await expect.poll(() => lost.length).toBe(1);
  expect(lost[0].reason).toBe('destroyed');
  const fallback = cpuAfterDeviceLoss(lost[0], gpu.adapterDescription);
  expect(fallback.backend.kind).toBe('cpu');
  expect(reasonText(fallback.why)).toMatch(/^the GPU device was lost \(destroyed/);
  await expect(
    forwardOneKernel(gpu, config.x, config.initWeight, { mode: 'correlate', bias: 0, activation: 'none' }),
  ).rejects.toMatchObject({ code: 'device-lost' });

  // The mirror of the last completed readback moves to the CPU; SGD continues exactly.
  const state = trainer.exportState();
  expect(state.step).toBeGreaterThanOrEqual(10);
  const cpu = new CpuLayerTrainer(oneKernelLayer(config), state);
  const more = await cpu.run(5);
  expect(more.firstStep).toBe(state.step + 1);
  const snap = await cpu.snapshot();
  expect(snap.step).toBe(state.step + 5);
  const ref = trainRef(config, state.step + 5);
  expectClose(more.losses, ref.losses.slice(state.step), 1e-4, 'losses after handover');
  expectClose(snap.weight.data, ref.weight, 1e-4, 'weight after handover');
  trainer.dispose();
});
