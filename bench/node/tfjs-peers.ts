/**
 * The tfjs peers of the CPU bench, set up the way an app would use them: tensors created
 * once, each timed call ends with a read-back (dataSync) because our results are plain arrays.
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type { Matrix } from '#core/matrix';
import type { TrainConfig } from '#core/types';

export type TfBackend = 'cpu' | 'wasm';

/** Selects a tfjs backend; the wasm binary is read from node_modules, never fetched. */
export async function useTfBackend(name: TfBackend): Promise<void> {
  if (name === 'wasm') {
    const require = createRequire(import.meta.url);
    const dist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
    setWasmPaths(`${dist}/`);
  }
  if (!(await tf.setBackend(name))) throw new Error(`tfjs backend ${name} failed to initialise`);
  await tf.ready();
}

function nhwc(m: Matrix): tf.Tensor4D {
  return tf.tensor4d(m.data, [1, m.rows, m.cols, 1]);
}

/** A reusable forward pass `relu(conv2d(X, K) + b)` or plain conv2d, returning the read-back output. */
export function tfForward(
  x: Matrix,
  k: Matrix,
  bias?: number,
): { run: () => Float32Array; dispose: () => void } {
  const xt = nhwc(x);
  const kt = tf.tensor4d(k.data, [k.rows, k.cols, 1, 1]);
  return {
    run: () =>
      tf.tidy(() => {
        const y = tf.conv2d(xt, kt, 1, 'valid');
        return (bias === undefined ? y : tf.relu(tf.add(y, bias))).dataSync() as Float32Array;
      }),
    dispose: () => tf.dispose([xt, kt]),
  };
}

/** `steps` of full-batch SGD with tfjs autodiff, reading each step's loss back like our trainer reports it. */
export function tfTrain(config: TrainConfig, steps: number): Float64Array {
  const losses = new Float64Array(steps);
  const xt = nhwc(config.x);
  const yt = nhwc(config.y);
  const k = config.initWeight;
  const w = tf.variable(tf.tensor4d(k.data, [k.rows, k.cols, 1, 1]));
  const b = tf.variable(tf.scalar(config.initBias));
  const sgd = tf.train.sgd(config.optimizer.lr);
  const vars = config.useBias ? [w, b] : [w];
  for (let s = 0; s < steps; s++) {
    const cost = sgd.minimize(
      () => {
        const pred = tf.add(tf.conv2d(xt, w as tf.Variable<tf.Rank.R4>, 1, 'valid'), b);
        const sq = tf.square(tf.sub(pred, yt));
        return (config.loss === 'mean' ? tf.mean(sq) : tf.sum(sq)) as tf.Scalar;
      },
      true,
      vars,
    );
    if (!cost) throw new Error('tfjs returned no cost');
    losses[s] = cost.dataSync()[0];
    cost.dispose();
  }
  tf.dispose([xt, yt, w, b]);
  sgd.dispose();
  return losses;
}
