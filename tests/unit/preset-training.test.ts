/**
 * Issue 22, bug 3: after any preset (layer presets included), Train learns K's whole shape
 * (O×C×kh×kw) at an lr that converges, whatever lr the settings had before ("Learn a k×k
 * kernel, like K" at d2l's 0.03, or an lr far too large). Each preset is trained a few dozen steps
 * on the CPU backend and its loss must fall.
 */
import { describe, expect, it } from 'vitest';
import { createCpuBackend } from '#core/cpu/index';
import { documentState, PRESETS, presetState } from '#core/presets';
import { layerLrLimit } from '#core/train/lr-limit';
import { trainingSetup } from '#core/train/setup';
import { DEFAULT_TRAINING, defaultLayer, type TrainingModel } from '#core/workspace/index';

const STEPS = 40;
const backend = createCpuBackend();

/** The settings a user may have left before the preset: d2l's, "learn a 2×2 like K" at 0.03, a huge lr, momentum, mean loss. */
const BEFORE: readonly [string, TrainingModel][] = [
  ['d2l defaults', DEFAULT_TRAINING],
  ['learn 2×2 like K at 0.03', { ...DEFAULT_TRAINING, kernelRows: 2, kernelCols: 2 }],
  ['lr 5 with a bias', { ...DEFAULT_TRAINING, lr: 5, useBias: true }],
  ['momentum, mean loss', { ...DEFAULT_TRAINING, optimizer: 'momentum', loss: 'mean', lr: 1 }],
];

describe('every preset leaves Train learning its K, and the loss falls', () => {
  it.each(PRESETS.map((p) => [p.id, p] as const))('%s', async (_, p) => {
    for (const [before, training] of BEFORE) {
      const state = documentState(presetState(p, defaultLayer()), { training, drawnTarget: null });
      const { config } = trainingSetup({ ...state, drawnTarget: null });
      const k = state.kernels[0][0];
      const w = config.initWeight;
      expect([w.outChannels, w.inChannels, w.rows, w.cols], `${before}: K's whole shape`).toEqual([
        state.kernels.length,
        state.channels.length,
        k.rows,
        k.cols,
      ]);
      if (training.optimizer !== 'adam')
        expect(state.training.lr, before).toBeLessThan(layerLrLimit(config)!);
      const trainer = await backend.createLayerTrainer(config);
      const { losses, diverged } = await trainer.run(STEPS);
      trainer.dispose();
      expect(diverged, before).toBeUndefined();
      expect(losses.every(Number.isFinite), before).toBe(true);
      expect(
        losses[losses.length - 1],
        `${before}: ${losses[0]} → ${losses[losses.length - 1]}`,
      ).toBeLessThan(losses[0] * 0.9);
    }
  });
});

describe('layerLrLimit', () => {
  it("is one-kernel d2l's limit for the sanity case, and gradient descent just past it diverges", async () => {
    const p = PRESETS.find((q) => q.id === 'sanity')!;
    const state = documentState(presetState(p, defaultLayer()), {
      training: DEFAULT_TRAINING,
      drawnTarget: null,
    });
    const { config } = trainingSetup({ ...state, drawnTarget: null });
    const limit = layerLrLimit(config)!;
    const run = async (lr: number) => {
      const t = await backend.createLayerTrainer({ ...config, optimizer: { kind: 'sgd', lr } });
      const { losses } = await t.run(60);
      t.dispose();
      return losses;
    };
    const below = await run(limit * 0.95);
    expect(below[below.length - 1]).toBeLessThan(below[0]);
    const above = await run(limit * 1.05);
    expect(above[above.length - 1]).toBeGreaterThan(above[0]);
  });
});
