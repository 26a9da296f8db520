/**
 * Each WGSL program against core/reference.ts on random shapes: non-square kernels,
 * both modes, ReLU, bias, mean loss, every optimizer, both training paths, and tiles
 * that straddle workgroup boundaries.
 */
import { describe, expect, test } from 'vitest';
import { randomMatrix } from '#core/random';
import { forwardRef, lossAndGradsRef, trainRef } from '#core/reference';
import type { Activation, LossKind, Mode, OptimizerKind, TrainConfig } from '#core/types';
import type { TrainPath } from '../../gpu/trainer';
import { expectClose } from '../helpers/numeric';
import { webgpuBackend } from './webgpuHarness';
import { oneKernelLayer, forwardOneKernel } from '../helpers/one-kernel';

interface Shape {
  rows: number;
  cols: number;
  kh: number;
  kw: number;
}
const shape = (rows: number, cols: number, kh: number, kw: number): Shape => ({ rows, cols, kh, kw });
const label = (s: Shape) => `${s.rows}×${s.cols} * ${s.kh}×${s.kw}`;

describe('corr2d forward program vs forwardRef', () => {
  const cases: [Shape, Mode, Activation, number][] = [
    [shape(9, 13, 1, 2), 'correlate', 'none', 0],
    [shape(10, 7, 2, 1), 'convolve', 'relu', 0.25],
    [shape(20, 23, 3, 5), 'convolve', 'none', -0.5],
    [shape(33, 40, 7, 7), 'correlate', 'relu', 0.1],
    [shape(40, 37, 11, 11), 'convolve', 'relu', -0.2],
    [shape(67, 131, 3, 5), 'correlate', 'none', 1.5],
    [shape(67, 131, 11, 11), 'correlate', 'none', 0],
    // Over STRIP_MAX_TAPS: the workgroup-tiled forward program.
    [shape(45, 70, 13, 12), 'convolve', 'relu', 0.3],
  ];
  test.each(cases.map((c) => [label(c[0]), c[1], c[2], c] as const))(
    '%s %s %s',
    async (_l, _m, _a, [s, mode, activation, bias]) => {
      const gpu = await webgpuBackend();
      const x = randomMatrix(s.rows, s.cols, 11 + s.rows, -1, 1);
      const k = randomMatrix(s.kh, s.kw, 7 + s.kw, -1, 1);
      const params = { mode, activation, bias };
      const y = await forwardOneKernel(gpu, x, k, params);
      expect([y.rows, y.cols]).toEqual([s.rows - s.kh + 1, s.cols - s.kw + 1]);
      expectClose(y.data, forwardRef(x, k, params), 1e-5, 'y');
    },
  );
});

function config(
  s: Shape,
  opts: {
    mode: Mode;
    activation: Activation;
    useBias: boolean;
    loss: LossKind;
    optimizer: OptimizerKind;
    lr: number;
  },
): TrainConfig {
  return {
    x: randomMatrix(s.rows, s.cols, 100 + s.rows * 3 + s.kw, -1, 1),
    y: randomMatrix(s.rows - s.kh + 1, s.cols - s.kw + 1, 200 + s.cols, -1, 1),
    mode: opts.mode,
    activation: opts.activation,
    useBias: opts.useBias,
    loss: opts.loss,
    optimizer: { kind: opts.optimizer, lr: opts.lr },
    initWeight: randomMatrix(s.kh, s.kw, 300 + s.kh, -0.5, 0.5),
    initBias: 0.125,
  };
}

describe('fused training step (one step) vs lossAndGradsRef', () => {
  const cases: [Shape, Mode, Activation, boolean, LossKind, TrainPath][] = [
    [shape(12, 14, 3, 5), 'convolve', 'relu', true, 'mean', 'single-workgroup'],
    [shape(12, 14, 3, 5), 'convolve', 'relu', true, 'mean', 'tiled'],
    [shape(16, 16, 2, 1), 'correlate', 'none', false, 'sum', 'single-workgroup'],
    [shape(16, 17, 1, 2), 'correlate', 'none', true, 'sum', 'tiled'],
    [shape(30, 29, 7, 7), 'correlate', 'relu', true, 'sum', 'tiled'],
    [shape(67, 131, 3, 5), 'convolve', 'none', true, 'mean', 'tiled'],
    // Over STRIP_TRAIN_MAX_TAPS: the workgroup-tiled partials program.
    [shape(41, 38, 9, 8), 'convolve', 'relu', true, 'sum', 'tiled'],
    // Many strips of rows and several column groups (strip partials).
    [shape(300, 150, 5, 5), 'correlate', 'none', true, 'mean', 'tiled'],
  ];
  test.each(cases.map((c) => [label(c[0]), c[1], c[2], c[5], c] as const))(
    '%s %s %s (%s)',
    async (_l, _m, _a, _p, [s, mode, activation, useBias, loss, path]) => {
      const gpu = await webgpuBackend();
      const lr = 0.01;
      const cfg = config(s, { mode, activation, useBias, loss, optimizer: 'sgd', lr });
      const ref = lossAndGradsRef(cfg.x, cfg.y, cfg.initWeight.data, s.kh, s.kw, cfg.initBias, cfg);
      const trainer = await gpu.createLayerTrainerOnPath(oneKernelLayer(cfg), path);
      try {
        const chunk = await trainer.run(1);
        expectClose(chunk.losses, [ref.loss], 1e-4, 'loss');
        const snap = await trainer.snapshot();
        expectClose(snap.gradWeight.data, ref.gradW, 1e-4, 'gradW');
        expectClose(snap.gradBias, [ref.gradB], 1e-4, 'gradB');
        const expectedW = Array.from(cfg.initWeight.data, (w, i) => w - lr * ref.gradW[i]);
        expectClose(snap.weight.data, expectedW, 1e-5, 'weight');
        expectClose(snap.bias, [cfg.initBias - lr * ref.gradB], 1e-5, 'bias');
      } finally {
        trainer.dispose();
      }
    },
  );
});

describe('optimizers over many steps vs trainRef', () => {
  const optimizers: [OptimizerKind, number][] = [
    ['sgd', 0.02],
    ['momentum', 0.01],
    ['adam', 0.05],
  ];
  const cases = (['single-workgroup', 'tiled'] as TrainPath[]).flatMap((path) =>
    optimizers.map(([kind, lr]) => [path, kind, lr] as const),
  );
  test.each(cases)('%s %s', async (path, kind, lr) => {
    const gpu = await webgpuBackend();
    const cfg = config(shape(11, 13, 3, 2), {
      mode: 'convolve',
      activation: 'relu',
      useBias: true,
      loss: 'mean',
      optimizer: kind,
      lr,
    });
    const steps = 25;
    const ref = trainRef(cfg, steps);
    const trainer = await gpu.createLayerTrainerOnPath(oneKernelLayer(cfg), path);
    try {
      const chunk = await trainer.run(steps);
      expect(chunk.diverged).toBeUndefined();
      expectClose(chunk.losses, ref.losses, 2e-4, 'losses');
      const snap = await trainer.snapshot();
      expectClose(snap.weight.data, ref.weight, 2e-4, 'weight');
      expectClose(snap.bias, [ref.bias], 2e-4, 'bias');
    } finally {
      trainer.dispose();
    }
  });
});

describe('divergence is detected on the GPU', () => {
  test.each<TrainPath>(['single-workgroup', 'tiled'])('huge learning rate (%s)', async (path) => {
    const gpu = await webgpuBackend();
    const cfg = config(shape(6, 8, 1, 2), {
      mode: 'correlate',
      activation: 'none',
      useBias: true,
      loss: 'sum',
      optimizer: 'sgd',
      lr: 50,
    });
    const ref = trainRef(cfg, 200);
    expect(ref.diverged).toBeDefined();
    const trainer = await gpu.createLayerTrainerOnPath(oneKernelLayer(cfg), path);
    try {
      const chunk = await trainer.run(200);
      expect(chunk.diverged?.step).toBe(ref.diverged?.step);
      expect(chunk.losses.length).toBe(ref.losses.length);
      const snap = await trainer.snapshot();
      expect(snap.step).toBe((ref.diverged?.step ?? 0) - 1);
      for (const w of snap.weight.data) expect(Number.isFinite(w)).toBe(true);
      expectClose(snap.weight.data, ref.weight, 1e-3, 'last finite weight');
      // A diverged run stays stopped.
      const again = await trainer.run(5);
      expect(again.losses.length).toBe(0);
      expect(again.diverged?.step).toBe(ref.diverged?.step);
    } finally {
      trainer.dispose();
    }
  });
});
