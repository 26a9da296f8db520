import { flushSync } from 'svelte';
import { describe, expect, it } from 'vitest';
import { forwardCpu } from '#core/cpu/forward';
import { fromRows, toRows } from '#core/matrix';
import { outputShape, validGeometry } from '#core/layer';
import { targetY, trainingSetup } from '#core/train/setup';
import { DEFAULT_TRAINING } from '#core/workspace/model';
import { exportGrid } from '../../renderer/src/lib/files/kernel-source';
import { landscapeSetup } from '../../renderer/src/lib/train/landscape-problem';
import { StudioDocument } from '../../renderer/src/state/studio.svelte';

/** A document whose K bias (5) and target bias (2) differ, so any mix-up shows. */
function documentWithBiases(): StudioDocument {
  const doc = new StudioDocument();
  doc.bias = 5;
  doc.training = { ...DEFAULT_TRAINING, targetBias: 2, useBias: false };
  flushSync();
  return doc;
}

describe('one training setup: training, the landscape and Export read the same Y', () => {
  it("the target Y is X ⋆ K plus the target bias (not K's bias)", () => {
    const doc = documentWithBiases();
    const plain = forwardCpu(doc.x, doc.k, { mode: 'correlate', bias: 0, activation: 'none' });
    expect(Array.from(targetY(doc).data)).toEqual(Array.from(plain.data, (v) => v + 2));
  });

  it("Export's 'Y, the training target' is exactly the Y training learns", () => {
    const doc = documentWithBiases();
    const setup = trainingSetup(doc);
    expect(toRows(exportGrid(doc, 'y')!)).toEqual(toRows(setup.target));
    expect(toRows(setup.config.y)).toEqual(toRows(setup.target));
  });

  it('the landscape of the next run is drawn over the same Y, target bias included', () => {
    const doc = documentWithBiases();
    const { problem } = landscapeSetup(doc, null);
    expect(problem).not.toBeNull();
    expect(toRows(problem!.y)).toEqual(toRows(trainingSetup(doc).config.y));
  });

  it('the drawn target wins in drawn mode; a learned kernel of another shape crops it or says why not', () => {
    const doc = documentWithBiases();
    doc.drawnTarget = fromRows([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    doc.x = fromRows([
      [0, 0, 0, 0],
      [0, 0, 0, 0],
    ]);
    doc.training = { ...doc.training, targetSource: 'drawn', kernelRows: 1, kernelCols: 2 };
    expect(outputShape(validGeometry({ rows: 1, cols: 2 }), doc.x)).toEqual({ rows: 2, cols: 3 });
    expect(toRows(trainingSetup(doc).config.y)).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    doc.training = { ...doc.training, kernelRows: 2, kernelCols: 3 };
    expect(toRows(trainingSetup(doc).config.y)).toEqual([[1, 2]]);
    doc.x = fromRows([[0, 0, 0, 0, 0, 0]]);
    doc.training = { ...doc.training, kernelRows: 1, kernelCols: 1 };
    expect(() => trainingSetup(doc)).toThrow(
      'The target Y is 2×3, smaller than the 1×6 this kernel produces.',
    );
  });
});
