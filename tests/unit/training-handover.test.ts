/**
 * Optimizer state moves with a run: a CpuTrainer resumed from another trainer's
 * exported state (as after a WebGPU device loss) continues exactly as the
 * uninterrupted run, for SGD, momentum and Adam.
 */
import { describe, expect, it } from 'vitest';
import { createCpuBackend } from '#core/cpu/index';
import { CpuLayerTrainer } from '#core/cpu/layer-trainer';

import { KernelStudioError } from '#core/errors';
import { randomMatrix } from '#core/random';
import type { OptimizerKind, TrainConfig } from '#core/types';
import { moveTrainer } from '../../renderer/src/compute/handover';
import { oneKernelLayer } from '../helpers/one-kernel';

/** Convolve mode, a bias and a mean loss: every part of the state that a handover must carry. */
const base: Omit<TrainConfig, 'optimizer'> = {
  x: randomMatrix(12, 14, 1, -1, 1),
  y: randomMatrix(10, 12, 2, -1, 1),
  mode: 'convolve',
  activation: 'none',
  useBias: true,
  loss: 'mean',
  initWeight: randomMatrix(3, 3, 3, -0.3, 0.3),
  initBias: 0.1,
};

function config(kind: OptimizerKind): TrainConfig {
  return { ...base, optimizer: { kind, lr: kind === 'adam' ? 0.05 : 0.1 } };
}

describe.each(['sgd', 'momentum', 'adam'] as const)('handover with %s', (kind) => {
  it('continues bit-for-bit like the uninterrupted run', async () => {
    const whole = new CpuLayerTrainer(oneKernelLayer(config(kind)));
    const expected = whole.runSync(30);
    const end = whole.snapshotSync();

    const first = new CpuLayerTrainer(oneKernelLayer(config(kind)));
    const head = first.runSync(12);
    const state = { config: config(kind), ...first.exportState() };
    const lastGrad = first.snapshotSync().gradWeight;
    first.dispose();
    const resumed = new CpuLayerTrainer(oneKernelLayer(state.config), state);
    const before = await resumed.snapshot();
    expect(before.step).toBe(12);
    // The gradient heatmap keeps the last gradient until the next step.
    expect(Array.from(before.gradWeight.data)).toEqual(Array.from(lastGrad.data));
    const tail = await resumed.run(18);
    expect(tail.firstStep).toBe(13);
    expect([...head.losses, ...tail.losses]).toEqual([...expected.losses]);
    const snap = await resumed.snapshot();
    expect(snap.step).toBe(30);
    expect(Array.from(snap.weight.data)).toEqual(Array.from(end.weight.data));
    expect(snap.bias).toEqual(end.bias);
  });
});

describe('handover state', () => {
  it('exports the optimizer moments (non-zero for Adam, zero for SGD)', () => {
    const adam = new CpuLayerTrainer(oneKernelLayer(config('adam')));
    adam.runSync(3);
    const a = adam.exportState();
    expect(a.step).toBe(3);
    expect(a.moment1.some((v) => v !== 0)).toBe(true);
    expect(a.moment2.some((v) => v !== 0)).toBe(true);
    const sgd = new CpuLayerTrainer(oneKernelLayer(config('sgd')));
    sgd.runSync(3);
    expect(sgd.exportState().moment1.every((v) => v === 0)).toBe(true);
  });

  it('dropping the moments changes an Adam run (so the test above can fail)', () => {
    const whole = new CpuLayerTrainer(oneKernelLayer(config('adam')));
    const expected = whole.runSync(10);
    const first = new CpuLayerTrainer(oneKernelLayer(config('adam')));
    first.runSync(5);
    const s = first.exportState();
    const amnesiac = new CpuLayerTrainer(oneKernelLayer(config('adam')), {
      ...s,
      moment1: new Float64Array(s.moment1.length),
      moment2: new Float64Array(s.moment2.length),
    });
    expect(Array.from(amnesiac.runSync(5).losses)).not.toEqual(Array.from(expected.losses.slice(5)));
  });

  it('keeps divergence and refuses a state of the wrong size', () => {
    const huge = { ...config('sgd'), optimizer: { kind: 'sgd' as const, lr: 1e6 } };
    const t = new CpuLayerTrainer(oneKernelLayer(huge));
    const chunk = t.runSync(50);
    expect(chunk.diverged).toBeDefined();
    const resumed = new CpuLayerTrainer(oneKernelLayer(huge), t.exportState());
    const again = resumed.runSync(5);
    expect(again.losses.length).toBe(0);
    expect(again.diverged).toEqual(chunk.diverged);
    expect(resumed.snapshotSync().weight.data.every(Number.isFinite)).toBe(true);
    const bad = { ...t.exportState(), params: new Float64Array(2) };
    expect(() => new CpuLayerTrainer(oneKernelLayer(huge), bad)).toThrow(KernelStudioError);
    expect(() => new CpuLayerTrainer(oneKernelLayer(huge), bad)).toThrow(
      /params holds 2 values, the kernel needs 10/,
    );
  });
});

describe('moveTrainer', () => {
  it('moves a run to the CPU backend with its step, and it goes on exactly', async () => {
    const whole = new CpuLayerTrainer(oneKernelLayer(config('momentum')));
    const expected = whole.runSync(20);
    const first = new CpuLayerTrainer(oneKernelLayer(config('momentum')));
    const head = first.runSync(8);
    const moved = await moveTrainer(first, oneKernelLayer(config('momentum')), createCpuBackend());
    expect(moved?.step).toBe(8);
    const tail = await moved!.trainer.run(12);
    expect([...head.losses, ...tail.losses]).toEqual([...expected.losses]);
  });

  it('leaves a trainer that cannot export its state (disposed) where it was', async () => {
    const opaque = new CpuLayerTrainer(oneKernelLayer(config('sgd')));
    opaque.dispose();
    expect(await moveTrainer(opaque, oneKernelLayer(config('sgd')), createCpuBackend())).toBeNull();
  });
});
