/**
 * Cross-checks the CPU backend against an independent implementation: tfjs-cpu's conv2d
 * (NHWC, 'valid') for the forward pass and its autodiff for the filter and bias gradients.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, it } from 'vitest';
import { CpuLayerTrainer, forwardCpu } from '#core/cpu/index';
import type { Matrix } from '#core/matrix';
import { flip2d } from '#core/matrix';
import { randomKernel, randomMatrix } from '#core/random';
import type { Mode } from '#core/types';
import { expectAllClose } from '../helpers/golden';
import { oneKernelLayer } from '../helpers/one-kernel';

const TOL = { rtol: 1e-4, atol: 1e-4 };
const SHAPES: [number, number][] = [
  [1, 2],
  [2, 1],
  [3, 3],
  [3, 5],
  [5, 3],
  [7, 7],
  [2, 11],
];

function image(m: Matrix): tf.Tensor4D {
  return tf.tensor4d(m.data, [1, m.rows, m.cols, 1]);
}

/** tfjs correlates like our 'correlate'; convolution is correlation with the flipped kernel. */
function filterOf(k: Matrix, mode: Mode): tf.Tensor4D {
  const eff = mode === 'convolve' ? flip2d(k) : k;
  return tf.tensor4d(eff.data, [eff.rows, eff.cols, 1, 1]);
}

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

describe('CPU backend vs tfjs-cpu', () => {
  let seed = 500;
  for (const [kh, kw] of SHAPES) {
    for (const mode of ['correlate', 'convolve'] as Mode[]) {
      it(`forward ${kh}×${kw} ${mode} + bias + relu`, () => {
        const x = randomMatrix(kh + 20, kw + 15, seed++, -1, 1);
        const k = randomMatrix(kh, kw, seed++, -1, 1);
        const expected = tf.tidy(() =>
          tf.relu(tf.add(tf.conv2d(image(x), filterOf(k, mode), 1, 'valid'), 0.1)).dataSync(),
        );
        const ours = forwardCpu(x, k, { mode, bias: 0.1, activation: 'relu' });
        expectAllClose(ours.data, expected, TOL, 'y');
      });

      it(`gradients ${kh}×${kw} ${mode} (mean loss, bias)`, () => {
        const x = randomMatrix(kh + 12, kw + 18, seed++, -1, 1);
        const y = randomMatrix(13, 19, seed++, -1, 1);
        const k = randomKernel(kh, kw, seed++);
        const config = {
          x,
          y,
          mode,
          activation: 'none',
          useBias: true,
          loss: 'mean',
          optimizer: { kind: 'sgd', lr: 0.1 },
          initWeight: k,
          initBias: 0.2,
        } as const;
        const trainer = new CpuLayerTrainer(oneKernelLayer(config));
        const loss = trainer.runSync(1).losses[0];
        const snap = trainer.snapshotSync();
        const [gradW, gradB, tfLoss] = tf.tidy(() => {
          const w = tf.variable(filterOf(k, mode));
          const b = tf.variable(tf.scalar(0.2));
          const target = image(y);
          const { value, grads } = tf.variableGrads(
            () =>
              tf.mean(
                tf.square(tf.sub(tf.add(tf.conv2d(image(x), w as tf.Tensor4D, 1, 'valid'), b), target)),
              ) as tf.Scalar,
            [w, b],
          );
          const gw = grads[w.name].dataSync();
          const out = [
            mode === 'convolve' ? Float32Array.from(gw).reverse() : gw,
            grads[b.name].dataSync(),
            value.dataSync(),
          ];
          w.dispose();
          b.dispose();
          return out;
        });
        expectAllClose([loss], tfLoss, TOL, 'loss');
        expectAllClose(snap.gradWeight.data, gradW, TOL, 'gradW');
        expectAllClose(snap.gradBias, gradB, TOL, 'gradB');
      });
    }
  }
});
