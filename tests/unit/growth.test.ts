import { describe, expect, it } from 'vitest';
import { CpuLayerTrainer } from '#core/cpu/index';
import { fromRows } from '#core/matrix';
import { PRESETS } from '#core/presets';
import { detectGrowth, firstGrowth, lrLimit } from '#core/train/growth';
import { singleKernelConfig, trainingSetup } from '#core/train/setup';
import { DEFAULT_TRAINING, defaultDocument } from '#core/workspace/model';

const points = (losses: number[]) => losses.map((loss, i) => ({ step: i + 1, loss }));

describe('early divergence: growth is seen long before a non-finite loss', () => {
  it('far above the first step, or rising five steps in a row past it', () => {
    expect(detectGrowth(points([10, 5, 2, 1]))).toBeNull();
    expect(detectGrowth(points([10, 500, 1001]))).toMatchObject({
      kind: 'far-above-start',
      step: 3,
      loss: 1001,
    });
    expect(detectGrowth(points([10, 9, 11, 12, 13, 14]))).toBeNull(); // four rises
    expect(detectGrowth(points([10, 9, 11, 12, 13, 14, 15]))).toMatchObject({ kind: 'rising', step: 7 });
    expect(detectGrowth(points([10, 1, 2, 3, 4, 5, 6]))).toBeNull(); // rising, but still below the start
    expect(detectGrowth(points([10, Infinity]))).toBeNull(); // that is divergence proper
  });

  it("d2l's defaults learn without a warning; lr past 2 ÷ curvature grows and is caught", () => {
    const doc = defaultDocument();
    const layer = trainingSetup(doc).config;
    const run = (lr: number, steps: number) =>
      Array.from(new CpuLayerTrainer({ ...layer, optimizer: { kind: 'sgd', lr } }).runSync(steps).losses);
    expect(detectGrowth(points(run(0.03, 10)))).toBeNull();
    const limit = lrLimit(singleKernelConfig(layer)!)!;
    expect(limit).toBeGreaterThan(0.03);
    // Just below the limit it converges; well above, the loss grows and the warning names the step.
    expect(detectGrowth(points(run(limit * 0.9, 30)))).toBeNull();
    const losses = run(limit * 1.5, 30);
    const first = losses.findIndex((_, i) => detectGrowth(points(losses.slice(0, i + 1))) !== null);
    expect(first).toBeGreaterThan(0);
    expect(Number.isFinite(losses[first])).toBe(true);
  });

  it('the sanity preset with a 2×2 learned kernel at lr 0.03 is caught in its first steps', () => {
    const preset = PRESETS.find((p) => p.id === 'sanity')!;
    const doc = {
      ...defaultDocument(),
      channels: preset.state.channels!,
      kernels: preset.state.kernels!,
      training: { ...DEFAULT_TRAINING, kernelRows: 2, kernelCols: 2 },
    };
    const layer = trainingSetup(doc).config;
    const losses = Array.from(new CpuLayerTrainer(layer).runSync(10).losses);
    const at = losses.findIndex((_, i) => detectGrowth(points(losses.slice(0, i + 1))) !== null);
    expect(at).toBeGreaterThan(0);
    expect(at).toBeLessThan(5);
    expect(lrLimit(singleKernelConfig(layer)!)).toBeLessThan(0.03);
    expect(
      lrLimit({
        ...singleKernelConfig(layer)!,
        x: fromRows([[0]]),
        initWeight: fromRows([[0]]),
        y: fromRows([[0]]),
      }),
    ).toBeNull();
  });
});

describe('plain gradient descent rising from its lowest loss is growth, however slowly', () => {
  const doc = defaultDocument();
  const config = trainingSetup(doc).config;
  const run = (kind: 'sgd' | 'momentum', lr: number, steps: number) =>
    Array.from(new CpuLayerTrainer({ ...config, optimizer: { kind, lr } }).runSync(steps).losses);

  it('lr 0.0334 on the d2l problem (limit 0.0333): caught at step 10, five rises after the lowest loss', () => {
    const losses = run('sgd', 0.0334, 40);
    expect(detectGrowth(points(losses))).toBeNull(); // without knowing it is plain descent: still below step 1
    const growth = firstGrowth(points(losses), 0, { monotone: true });
    expect(growth).toMatchObject({ kind: 'steady-rise', step: 10, low: { step: 5 } });
    expect(detectGrowth(points(losses.slice(0, 10)), { monotone: true })).toEqual(growth);
  });

  it('no false alarm: converging descent, momentum’s swings, rounding noise near zero', () => {
    expect(firstGrowth(points(run('sgd', 0.0333, 200)), 0, { monotone: true })).toBeNull();
    expect(firstGrowth(points(run('sgd', 0.03, 200)), 0, { monotone: true })).toBeNull();
    expect(firstGrowth(points(run('momentum', 0.0334, 200)), 0)).toBeNull();
    expect(
      detectGrowth(points([10, 1e-20, 2e-20, 3e-20, 4e-20, 5e-20, 6e-20]), { monotone: true }),
    ).toBeNull();
  });
});
