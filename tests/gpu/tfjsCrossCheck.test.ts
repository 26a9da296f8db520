/** Our programs against tfjs's own conv2d and its filter gradient, both on the webgpu backend. */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-webgpu';
import { beforeAll, describe, expect, test } from 'vitest';
import { randomMatrix } from '#core/random';
import { expectClose } from '../helpers/numeric';
import { webgpuBackend } from './webgpuHarness';
import { oneKernelLayer, forwardOneKernel } from '../helpers/one-kernel';

const shapes: [number, number, number, number][] = [
  [20, 24, 3, 3],
  [31, 17, 5, 2],
  [18, 40, 1, 4],
];

beforeAll(async () => {
  expect(await tf.setBackend('webgpu')).toBe(true);
  await tf.ready();
});

describe('cross-check with tfjs on webgpu', () => {
  test.each(shapes)('conv2d %i×%i * %i×%i', async (rows, cols, kh, kw) => {
    const gpu = await webgpuBackend();
    const x = randomMatrix(rows, cols, rows * 7, -1, 1);
    const k = randomMatrix(kh, kw, kw * 13, -1, 1);
    const ours = await forwardOneKernel(gpu, x, k, { mode: 'correlate', bias: 0, activation: 'none' });
    const theirs = tf.conv2d(
      tf.tensor4d(x.data, [1, rows, cols, 1]),
      tf.tensor4d(k.data, [kh, kw, 1, 1]),
      1,
      'valid',
    );
    const expected = await theirs.data();
    theirs.dispose();
    expectClose(ours.data, expected, 1e-5, 'conv2d');
  });

  test.each(shapes)('filter gradient %i×%i * %i×%i', async (rows, cols, kh, kw) => {
    const gpu = await webgpuBackend();
    const x = randomMatrix(rows, cols, rows * 5, -1, 1);
    const y = randomMatrix(rows - kh + 1, cols - kw + 1, cols * 3, -1, 1);
    const w = randomMatrix(kh, kw, kh * 17, -0.5, 0.5);
    const x4 = tf.tensor4d(x.data, [1, rows, cols, 1]);
    const y4 = tf.tensor4d(y.data, [1, y.rows, y.cols, 1]);
    const lossOf = (f: tf.Tensor) =>
      tf.sum(tf.square(tf.sub(tf.conv2d(x4, f as tf.Tensor4D, 1, 'valid'), y4)));
    const grad = tf.grad(lossOf)(tf.tensor4d(w.data, [kh, kw, 1, 1]));
    const expected = await grad.data();
    tf.dispose([x4, y4, grad]);

    const trainer = await gpu.createLayerTrainer(
      oneKernelLayer({
        x,
        y,
        mode: 'correlate',
        activation: 'none',
        useBias: false,
        loss: 'sum',
        optimizer: { kind: 'sgd', lr: 1e-3 },
        initWeight: w,
        initBias: 0,
      }),
    );
    try {
      await trainer.run(1);
      expectClose((await trainer.snapshot()).gradWeight.data, expected, 1e-4, 'dL/dW');
    } finally {
      trainer.dispose();
    }
  });
});
