/**
 * The training problems the benchmarks time, defined once for every bench (CPU, WebGPU in
 * Chromium, Dawn for Node): d2l's toy exactly as the app sets it up, and a 256² image with a
 * 5×5 kernel and bias whose Y comes from a hidden kernel (mean loss keeps lr scale-free).
 */
import { forwardCpu } from '#core/cpu/forward';
import { randomKernel, randomMatrix } from '#core/random';
import { singleKernelConfig, trainingSetup } from '#core/train/setup';
import type { TrainConfig } from '#core/types';
import { defaultDocument } from '#core/workspace/model';

/** d2l's toy (6×8 edge image, K = [1, −1], lr 3e-2, sum loss): the app's default document. */
export function d2lTrainConfig(): TrainConfig {
  const doc = defaultDocument();
  const config = singleKernelConfig(trainingSetup(doc).config);
  if (!config) throw new Error('the default document is not a one-kernel layer');
  return config;
}

/** 256² with a 5×5 kernel and bias, Y = X ⋆ (a hidden kernel) + 0.3. */
export function largeTrainConfig(): TrainConfig {
  const x = randomMatrix(256, 256, 11, -1, 1);
  const y = forwardCpu(x, randomKernel(5, 5, 12), { mode: 'correlate', bias: 0.3, activation: 'none' });
  return {
    x,
    y,
    mode: 'correlate',
    activation: 'none',
    useBias: true,
    loss: 'mean',
    optimizer: { kind: 'sgd', lr: 0.1 },
    initWeight: randomKernel(5, 5, 13),
    initBias: 0,
  };
}
