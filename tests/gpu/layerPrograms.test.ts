/**
 * The layer programs against core/layer-reference.ts on random layers: stride, padding,
 * dilation, convolve, ReLU, several channels in and out, images with many gradient chunks;
 * one training step (loss, ∂L/∂W, ∂L/∂b, update), every optimizer over many steps, mean
 * loss, a frozen bias, divergence, and the single-channel "valid" layer on today's programs.
 */
import { describe, expect, test } from 'vitest';
import { createCpuBackend } from '#core/cpu/index';
import type { ConvSpec } from '#core/layer';
import { convSpec, outputShape } from '#core/layer';
import { layerForwardRef, layerLossAndGradsRef, trainLayerRef } from '#core/layer-reference';
import type { LayerTrainConfig } from '#core/layer-types';
import { randomMatrix, randomWeights } from '#core/random';
import type { Tensor3 } from '#core/tensor';
import type { LossKind, OptimizerKind } from '#core/types';
import { fitsWindow } from '../../gpu/layerWgsl';
import { layerPartialsShape } from '../../gpu/programs/layerGradPartialsProgram';
import { expectClose } from '../helpers/numeric';
import { webgpuBackend } from './webgpuHarness';

function randomTensor(c: number, h: number, w: number, seed: number): Tensor3 {
  return { channels: c, rows: h, cols: w, data: randomMatrix(c * h, w, seed, -1, 1).data };
}

interface Layer {
  c: number;
  h: number;
  w: number;
  spec: ConvSpec;
}
const layer = (
  c: number,
  o: number,
  h: number,
  w: number,
  rest: Partial<ConvSpec> & Pick<ConvSpec, 'kernel'>,
) => ({
  c,
  h,
  w,
  spec: convSpec({ inChannels: c, outChannels: o, ...rest }),
});
const label = ({ c, h, w, spec }: Layer) =>
  `${c}×${h}×${w} → ${spec.outChannels}, k ${spec.kernel.join('×')} s ${spec.stride.join(',')} p ${spec.padding.join(',')} d ${spec.dilation.join(',')} ${spec.mode} ${spec.activation}`;

const layers: Layer[] = [
  layer(1, 1, 9, 11, { kernel: [3, 2], stride: [2, 1] }),
  layer(2, 3, 12, 10, { kernel: [3, 3], padding: [1, 1], mode: 'convolve' }),
  layer(3, 2, 15, 17, { kernel: [3, 2], stride: [2, 3], padding: [2, 1], activation: 'relu' }),
  layer(2, 2, 16, 14, {
    kernel: [2, 3],
    dilation: [2, 3],
    padding: [1, 0],
    mode: 'convolve',
    activation: 'relu',
  }),
  layer(4, 1, 8, 8, { kernel: [1, 1] }),
  layer(1, 4, 11, 13, { kernel: [5, 4], stride: [3, 2], padding: [3, 2], dilation: [1, 2] }),
  // Over WINDOW_MAX_TAPS (C·kh·kw = 100): one C×kh×kw loop per output channel.
  layer(4, 2, 14, 13, {
    kernel: [5, 5],
    stride: [2, 1],
    padding: [2, 2],
    mode: 'convolve',
    activation: 'relu',
  }),
  // Over 256 outputs per channel: several partial rows in the gradient pass.
  layer(3, 5, 41, 37, {
    kernel: [5, 3],
    stride: [1, 2],
    padding: [2, 1],
    dilation: [2, 1],
    mode: 'convolve',
  }),
];

describe('layer forward program vs layerForwardRef', () => {
  test.each(layers.map((l) => [label(l), l] as const))('%s', async (_l, l) => {
    const gpu = await webgpuBackend();
    const x = randomTensor(l.c, l.h, l.w, l.h * 31 + l.c);
    const w = randomWeights(l.spec.outChannels, l.c, ...l.spec.kernel, 17 + l.w);
    const bias = Array.from({ length: l.spec.outChannels }, (_, i) => 0.1 * i - 0.2);
    const y = await gpu.forwardLayer(x, w, bias, l.spec);
    const { rows, cols } = outputShape(l.spec, x);
    expect([y.channels, y.rows, y.cols]).toEqual([l.spec.outChannels, rows, cols]);
    expectClose(y.data, layerForwardRef(x, w, bias, l.spec), 1e-5, 'y');
  });
});

function config(
  l: Layer,
  loss: LossKind,
  useBias: boolean,
  kind: OptimizerKind,
  lr: number,
): LayerTrainConfig {
  const x = randomTensor(l.c, l.h, l.w, 100 + l.h * 3 + l.w);
  const { rows, cols } = outputShape(l.spec, x);
  return {
    spec: l.spec,
    x,
    y: randomTensor(l.spec.outChannels, rows, cols, 200 + l.w),
    useBias,
    loss,
    optimizer: { kind, lr },
    initWeight: randomWeights(l.spec.outChannels, l.c, ...l.spec.kernel, 300 + l.h),
    initBias: Array.from({ length: l.spec.outChannels }, (_, i) => 0.125 - 0.05 * i),
  };
}

test('the cases cover both forward variants and several gradient chunks', () => {
  expect(layers.filter((l) => fitsWindow(l.spec)).length).toBeGreaterThan(0);
  expect(layers.filter((l) => !fitsWindow(l.spec)).length).toBeGreaterThan(0);
  const big = layers[layers.length - 1];
  const { rows, cols } = outputShape(big.spec, { rows: big.h, cols: big.w });
  expect(layerPartialsShape(big.spec, rows * cols).groups).toBeGreaterThan(1);
});

describe('one layer training step vs layerLossAndGradsRef', () => {
  test.each(layers.map((l, i) => [label(l), l, i] as const))('%s', async (_l, l, i) => {
    const gpu = await webgpuBackend();
    const lr = 0.01;
    const loss: LossKind = i % 2 === 0 ? 'sum' : 'mean';
    const useBias = i !== 2;
    const cfg = config(l, loss, useBias, 'sgd', lr);
    const ref = layerLossAndGradsRef(cfg.x, cfg.y, cfg.initWeight.data, cfg.initBias, cfg.spec, cfg);
    const trainer = await gpu.createLayerTrainer(cfg);
    try {
      const chunk = await trainer.run(1);
      expectClose(chunk.losses, [ref.loss], 1e-4, 'loss');
      const snap = await trainer.snapshot();
      expectClose(snap.gradWeight.data, ref.gradW, 1e-4, 'gradW');
      expectClose(snap.gradBias, ref.gradB, 1e-4, 'gradB');
      expectClose(
        snap.weight.data,
        Array.from(cfg.initWeight.data, (w, t) => w - lr * ref.gradW[t]),
        1e-5,
        'weight',
      );
      expectClose(
        snap.bias,
        Array.from(cfg.initBias, (b, o) => b - lr * ref.gradB[o]),
        1e-5,
        'bias',
      );
    } finally {
      trainer.dispose();
    }
  });
});

describe('layer optimizers over many steps vs trainLayerRef', () => {
  const optimizers: [OptimizerKind, number][] = [
    ['sgd', 0.01],
    ['momentum', 0.005],
    ['adam', 0.02],
  ];
  test.each(optimizers)('%s', async (kind, lr) => {
    const gpu = await webgpuBackend();
    const cfg = config(layers[2], 'mean', true, kind, lr);
    const ref = trainLayerRef(cfg, 25);
    const trainer = await gpu.createLayerTrainer(cfg);
    try {
      const a = await trainer.run(10);
      const b = await trainer.run(15);
      expectClose([...a.losses, ...b.losses], ref.losses, 1e-4, 'losses');
      const snap = await trainer.snapshot();
      expectClose(snap.weight.data, ref.weight, 1e-4, 'weight');
      expectClose(snap.bias, ref.bias, 1e-4, 'bias');
    } finally {
      trainer.dispose();
    }
  });
});

test('layer divergence: same step as trainLayerRef, last finite weights, stays stopped', async () => {
  const gpu = await webgpuBackend();
  const cfg = config(layers[1], 'sum', true, 'sgd', 50);
  const ref = trainLayerRef(cfg, 60);
  expect(ref.diverged).toBeDefined();
  const trainer = await gpu.createLayerTrainer(cfg);
  try {
    const chunk = await trainer.run(60);
    expect(chunk.diverged?.step).toBe(ref.diverged?.step);
    expect(chunk.losses.length).toBe((ref.diverged?.step ?? 0) - 1);
    const snap = await trainer.snapshot();
    expect(snap.weight.data.every(Number.isFinite)).toBe(true);
    expectClose(snap.weight.data, ref.weight, 1e-3, 'last finite weight');
    const again = await trainer.run(5);
    expect(again.losses.length).toBe(0);
    expect(again.diverged?.step).toBe(ref.diverged?.step);
  } finally {
    trainer.dispose();
  }
});

describe('a layer run moves between backends with its whole state (Adam moments included)', () => {
  test.each([layers[2], layer(1, 1, 9, 8, { kernel: [2, 3] })])('%#: WebGPU → CPU → WebGPU', async (l) => {
    const gpu = await webgpuBackend();
    const cpu = createCpuBackend();
    const cfg = config(l, 'mean', true, 'adam', 0.02);
    const ref = trainLayerRef(cfg, 24);
    const first = await gpu.createLayerTrainer(cfg);
    const a = await first.run(8);
    const state = first.exportState();
    first.dispose();
    expect(state.step).toBe(8);
    expect(state.moment2.some((v) => v !== 0)).toBe(true);
    const onCpu = await cpu.createLayerTrainer(cfg, state);
    const b = await onCpu.run(8);
    const back = await gpu.createLayerTrainer(cfg, onCpu.exportState());
    try {
      const c = await back.run(8);
      expect([a.firstStep, b.firstStep, c.firstStep]).toEqual([1, 9, 17]);
      expectClose([...a.losses, ...b.losses, ...c.losses], ref.losses, 1e-4, 'losses');
      const snap = await back.snapshot();
      expect(snap.step).toBe(24);
      expectClose(snap.weight.data, ref.weight, 1e-4, 'weight');
      expectClose(snap.bias, ref.bias, 1e-4, 'bias');
    } finally {
      back.dispose();
    }
  });

  test('a state of the wrong size is refused with one line', async () => {
    const gpu = await webgpuBackend();
    const cfg = config(layers[2], 'sum', true, 'sgd', 0.01);
    const short = new Float64Array(3);
    await expect(
      gpu.createLayerTrainer(cfg, { step: 1, params: short, grads: short, moment1: short, moment2: short }),
    ).rejects.toThrow(/Cannot resume the run: params holds 3 values/);
  });
});

describe('the layer engine picks its programs by shape', () => {
  test('a one-kernel valid layer trains on the one-kernel programs, any other on the layer programs', async () => {
    const gpu = await webgpuBackend();
    const shapes: [Layer, string][] = [
      [layer(1, 1, 20, 23, { kernel: [3, 5], mode: 'convolve', activation: 'relu' }), 'single-workgroup'],
      [layer(1, 1, 40, 41, { kernel: [3, 3] }), 'tiled'],
      [layer(2, 1, 20, 23, { kernel: [3, 3] }), 'layer'],
      [layer(1, 1, 20, 23, { kernel: [3, 3], padding: [1, 1] }), 'layer'],
      [layer(1, 1, 20, 23, { kernel: [3, 3], stride: [2, 1] }), 'layer'],
    ];
    for (const [l, path] of shapes) {
      const trainer = await gpu.createLayerTrainer(config(l, 'sum', true, 'sgd', 0.01));
      expect(trainer.path).toBe(path);
      trainer.dispose();
    }
  });
  test('a pinned one-kernel family is refused for any other layer', async () => {
    const gpu = await webgpuBackend();
    const cfg = config(layer(2, 1, 20, 23, { kernel: [3, 3] }), 'sum', true, 'sgd', 0.01);
    await expect(gpu.createLayerTrainerOnPath(cfg, 'tiled')).rejects.toThrow('train one kernel only');
  });
});
