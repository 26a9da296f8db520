import { describe, expect, it } from 'vitest';
import { fromRows } from '#core/matrix';
import { edgeImage, PRESETS, sanityImage } from '#core/presets';
import { layerDocumentOf } from '../helpers/layer-documents';
import { singleKernelConfig, trainingShapes, trainingSetup } from '#core/train/setup';
import { lrLimit } from '#core/train/growth';
import { DEFAULT_TRAINING, StudioDocument } from '../../renderer/src/state/studio.svelte';
import { learnKShape, roundLr, shapeFit, trainingForPreset } from '../../renderer/src/state/training-setup';

const sanityK = fromRows([
  [0, 1],
  [2, 3],
]);
/** A one-channel, one-kernel "valid" layer document. */
const inputs = (x = sanityImage(), k = sanityK, training = DEFAULT_TRAINING) => ({
  channels: [x],
  kernels: [[k]],
  biases: [0],
  stride: [1, 1] as const,
  padding: [0, 0] as const,
  dilation: [1, 1] as const,
  mode: 'correlate' as const,
  activation: 'none' as const,
  drawnTarget: null,
  training,
});

describe('the shapes Train relates before Run', () => {
  it("names the target's, the learned kernel's and its output's shapes", () => {
    // d2l's default: 6×8 X, 1×2 K and a 1×2 learned kernel: Y and Ŷ are both 6×7.
    const d2l = trainingShapes(inputs(edgeImage(), fromRows([[1, -1]])));
    expect(d2l).toEqual({
      target: { rows: 6, cols: 7 },
      learned: { rows: 1, cols: 2 },
      out: { rows: 6, cols: 7 },
    });
    expect(shapeFit(d2l.target, d2l.out)).toBe('same');
    // The sanity case with d2l's 1×2 learned kernel: Y 2×2 is smaller than the 3×2 Ŷ (the failing Run).
    const sanity = trainingShapes(inputs());
    expect(sanity.out).toEqual({ rows: 3, cols: 2 });
    expect(shapeFit(sanity.target, sanity.out)).toBe('tooSmall');
    expect(() => trainingSetup(inputs())).toThrow(/smaller/);
    // A 3×3 learned kernel on d2l's image: Ŷ 4×6, Y 6×7 is cropped.
    const big = trainingShapes(
      inputs(edgeImage(), fromRows([[1, -1]]), { ...DEFAULT_TRAINING, kernelRows: 3, kernelCols: 3 }),
    );
    expect(shapeFit(big.target, big.out)).toBe('crop');
    // A kernel larger than X makes no output at all.
    expect(shapeFit({ rows: 2, cols: 2 }, { rows: 0, cols: -1 })).toBe('tooSmall');
  });

  it('a drawn target counts with its own shape', () => {
    const drawn = {
      ...inputs(),
      drawnTarget: fromRows([
        [1, 2],
        [3, 4],
        [5, 6],
      ]),
    };
    const shapes = trainingShapes({ ...drawn, training: { ...DEFAULT_TRAINING, targetSource: 'drawn' } });
    expect(shapes.target).toEqual({ rows: 3, cols: 2 });
    expect(shapeFit(shapes.target, shapes.out)).toBe('same');
  });

  it("learns K's shape from K's Y; given values of another shape give way to a seeded draw", () => {
    const explicit = { ...DEFAULT_TRAINING, init: 'explicit' as const, targetSource: 'drawn' as const };
    const next = learnKShape(explicit, sanityK);
    expect([next.kernelRows, next.kernelCols, next.init, next.targetSource]).toEqual([
      2,
      2,
      'seeded',
      'kernel',
    ]);
    expect(learnKShape(DEFAULT_TRAINING, { rows: 1, cols: 2 }).init).toBe('seeded');
  });
});

describe('a preset leaves Train in a state that runs', () => {
  it('rounds a learning rate down to 1, 2 or 5 × 10ⁿ', () => {
    expect(roundLr(0.00151)).toBe(0.001);
    expect(roundLr(0.03)).toBe(0.02);
    expect(roundLr(5)).toBe(5);
    expect(roundLr(0.0099)).toBe(0.005);
  });

  it("sanity: a 2×2 learned kernel at an lr below the problem's divergence limit", () => {
    const s = trainingForPreset(inputs());
    expect([s.kernelRows, s.kernelCols]).toEqual([2, 2]);
    const { config } = trainingSetup(inputs(sanityImage(), sanityK, s));
    const limit = lrLimit(singleKernelConfig(config)!)!;
    expect(limit).toBeCloseTo(0.00302, 4);
    expect(s.lr).toBe(0.001);
    // d2l's edge preset keeps d2l's lr 0.03, which converges there.
    expect(trainingForPreset(inputs(edgeImage(), fromRows([[1, -1]]))).lr).toBe(0.03);
    // Adam is not bound by that limit: its lr stays.
    expect(
      trainingForPreset(inputs(sanityImage(), sanityK, { ...DEFAULT_TRAINING, optimizer: 'adam' })).lr,
    ).toBe(0.03);
  });

  it("reads the app's document, whose X and K are getters over the layer", () => {
    const doc = new StudioDocument();
    doc.x = sanityImage();
    doc.k = sanityK;
    const s = trainingForPreset(doc);
    expect([s.kernelRows, s.kernelCols, s.lr]).toEqual([2, 2, 0.001]);
  });

  it('every Explore preset leaves settings whose setup builds and whose lr is below the limit', () => {
    for (const p of PRESETS) {
      const doc = { ...layerDocumentOf(p.id), training: DEFAULT_TRAINING };
      const s = trainingForPreset(doc);
      const { config } = trainingSetup({ ...doc, training: s });
      const single = singleKernelConfig(config);
      const limit = single && lrLimit(single);
      if (limit) expect(s.lr, p.id).toBeLessThan(limit);
    }
  });
});
