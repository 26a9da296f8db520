/**
 * WebGPU Adam against the float64 CPU update, step by step: each step starts the CPU from the
 * GPU's own state (parameters and moments), so only the update itself is compared, and its
 * parameter change must match to a few float32 roundings. The GPU once took Adam steps ~1e-5
 * (relative) too large, mixing float32 bias corrections in WGSL with float64 ones on the host;
 * now the host computes the scalars once, in float64, from core/optimizers.ts.
 */
import { describe, expect, test } from 'vitest';
import { CpuLayerTrainer } from '#core/cpu/index';
import { convSpec } from '#core/layer';
import type { LayerTrainConfig, LayerTrainer } from '#core/layer-types';
import { randomMatrix, randomWeights } from '#core/random';
import type { Tensor3 } from '#core/tensor';
import { webgpuBackend } from './webgpuHarness';

function randomTensor(channels: number, rows: number, cols: number, seed: number): Tensor3 {
  return { channels, rows, cols, data: randomMatrix(channels * rows, cols, seed, -1, 1).data };
}

function adamConfig(channels: number, rows: number, cols: number, k: number): LayerTrainConfig {
  const initWeight = randomWeights(channels, channels, k, k, 5);
  return {
    spec: convSpec({ inChannels: channels, outChannels: channels, kernel: [k, k] }),
    x: randomTensor(channels, rows, cols, 3),
    y: randomTensor(channels, rows - k + 1, cols - k + 1, 4),
    useBias: true,
    loss: 'mean',
    optimizer: { kind: 'adam', lr: 0.05 },
    initWeight,
    initBias: new Array<number>(channels).fill(0.1),
  };
}

/**
 * The largest difference between the GPU's and the CPU's parameter change over `steps` steps,
 * relative to the largest change.
 */
async function worstStepError(
  config: LayerTrainConfig,
  gpuRun: LayerTrainer,
  steps: number,
): Promise<number> {
  let worst = 0;
  for (let s = 0; s < steps; s++) {
    const before = gpuRun.exportState();
    const cpu = new CpuLayerTrainer(config, before);
    await cpu.run(1);
    await gpuRun.run(1);
    const expected = cpu.exportState().params;
    const actual = gpuRun.exportState().params;
    cpu.dispose();
    let error = 0;
    let largest = 0;
    for (let i = 0; i < actual.length; i++) {
      const want = expected[i] - before.params[i];
      largest = Math.max(largest, Math.abs(want));
      error = Math.max(error, Math.abs(actual[i] - before.params[i] - want));
    }
    worst = Math.max(worst, error / largest);
  }
  return worst;
}

describe('WebGPU Adam takes the float64 step', () => {
  const cases: [string, LayerTrainConfig][] = [
    ['one channel, small (the one-dispatch loop)', adamConfig(1, 9, 11, 3)],
    ['one channel, large (partials + reduce/update)', adamConfig(1, 40, 41, 3)],
    ['two channels (the layer programs)', adamConfig(2, 9, 10, 2)],
  ];
  test.each(cases)('%s', async (_name, config) => {
    const gpu = await webgpuBackend();
    const run = await gpu.createLayerTrainer(config);
    try {
      // float32 parameters ~0.5 and steps of ~lr = 0.05: a rounding is ~1e-6 of a step.
      // Before the fix: 3e-5 (the one-dispatch loop), 7e-6 (the others); now ~4e-7.
      expect(await worstStepError(config, run, 6)).toBeLessThan(2e-6);
    } finally {
      run.dispose();
    }
  });
});
