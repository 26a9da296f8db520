/** The layer programs against tfjs's own conv2d and its filter gradient on multi-channel layers, both on webgpu. */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-webgpu';
import { beforeAll, describe, expect, test } from 'vitest';
import type { ConvSpec } from '#core/layer';
import { convSpec, outputShape } from '#core/layer';
import { randomMatrix, randomWeights } from '#core/random';
import type { Tensor3, Weights } from '#core/tensor';
import { expectClose } from '../helpers/numeric';
import { webgpuBackend } from './webgpuHarness';

beforeAll(async () => {
  expect(await tf.setBackend('webgpu')).toBe(true);
  await tf.ready();
});

/** tfjs takes NHWC images and [kh, kw, C, O] filters, with explicit per-side padding. */
function tfConv(x: tf.Tensor4D, filter: tf.Tensor4D, spec: ConvSpec): tf.Tensor4D {
  const [ph, pw] = spec.padding;
  return tf.conv2d(
    x,
    filter,
    [spec.stride[0], spec.stride[1]],
    [
      [0, 0],
      [ph, ph],
      [pw, pw],
      [0, 0],
    ],
    'NHWC',
    [spec.dilation[0], spec.dilation[1]],
  );
}
const nhwc = (t: Tensor3) =>
  tf.tensor3d(t.data, [t.channels, t.rows, t.cols]).transpose([1, 2, 0]).expandDims(0) as tf.Tensor4D;
const hwio = (w: Weights) =>
  tf.tensor4d(w.data, [w.outChannels, w.inChannels, w.rows, w.cols]).transpose([2, 3, 1, 0]) as tf.Tensor4D;

// tfjs refuses stride > 1 together with dilation > 1, so they are checked apart.
const cases: [string, number, number, ConvSpec][] = [
  [
    'RGB 3→4, 3×3, stride 2, padding 1',
    19,
    22,
    convSpec({ inChannels: 3, outChannels: 4, kernel: [3, 3], stride: [2, 2], padding: [1, 1] }),
  ],
  [
    '2→3, 3×2, dilation (2,3), padding (2,1)',
    17,
    15,
    convSpec({ inChannels: 2, outChannels: 3, kernel: [3, 2], dilation: [2, 3], padding: [2, 1] }),
  ],
];

describe('layer cross-check with tfjs on webgpu', () => {
  test.each(cases)('conv2d %s', async (_name, rows, cols, spec) => {
    const gpu = await webgpuBackend();
    const x: Tensor3 = {
      channels: spec.inChannels,
      rows,
      cols,
      data: randomMatrix(spec.inChannels * rows, cols, rows, -1, 1).data,
    };
    const w = randomWeights(spec.outChannels, spec.inChannels, ...spec.kernel, cols);
    const ours = await gpu.forwardLayer(x, w, new Float32Array(spec.outChannels), spec);
    const theirs = tf.tidy(() => tfConv(nhwc(x), hwio(w), spec).squeeze([0]).transpose([2, 0, 1]));
    const expected = await theirs.data();
    theirs.dispose();
    expectClose(ours.data, expected, 1e-5, 'conv2d');
  });

  // tfjs has no conv2d gradient for dilation > 1; the dilated gradient is checked against the reference in layerPrograms.
  test.each(cases.slice(0, 1))('filter gradient %s', async (_name, rows, cols, spec) => {
    const gpu = await webgpuBackend();
    const x: Tensor3 = {
      channels: spec.inChannels,
      rows,
      cols,
      data: randomMatrix(spec.inChannels * rows, cols, rows * 3, -1, 1).data,
    };
    const out = outputShape(spec, x);
    const y: Tensor3 = {
      channels: spec.outChannels,
      rows: out.rows,
      cols: out.cols,
      data: randomMatrix(spec.outChannels * out.rows, out.cols, 5, -1, 1).data,
    };
    const w = randomWeights(spec.outChannels, spec.inChannels, ...spec.kernel, 9);
    const expected = tf.tidy(() => {
      const x4 = nhwc(x);
      const y4 = nhwc(y);
      const lossOf = (f: tf.Tensor) => tf.sum(tf.square(tf.sub(tfConv(x4, f as tf.Tensor4D, spec), y4)));
      // Back from [kh, kw, C, O] to O×C×kh×kw.
      return tf.grad(lossOf)(hwio(w)).transpose([3, 2, 0, 1]);
    });
    const grad = await expected.data();
    expected.dispose();
    const trainer = await gpu.createLayerTrainer({
      spec,
      x,
      y,
      useBias: false,
      loss: 'sum',
      optimizer: { kind: 'sgd', lr: 1e-3 },
      initWeight: w,
      initBias: new Float32Array(spec.outChannels),
    });
    try {
      await trainer.run(1);
      expectClose((await trainer.snapshot()).gradWeight.data, grad, 1e-4, 'dL/dW');
    } finally {
      trainer.dispose();
    }
  });
});
