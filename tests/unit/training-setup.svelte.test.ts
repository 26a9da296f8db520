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

/** A document whose layer bias (5) and Train's extra target bias (2) differ, so any mix-up shows. */
function documentWithBiases(): StudioDocument {
  const doc = new StudioDocument();
  doc.bias = 5;
  doc.training = { ...DEFAULT_TRAINING, targetBias: 2, useBias: false };
  flushSync();
  return doc;
}

describe('one training setup: training, the landscape and Export read the same Y', () => {
  it("the target Y is the document's layer, its bias included, plus Train's extra target bias (issue 22, bug 4)", () => {
    const doc = documentWithBiases();
    const plain = forwardCpu(doc.x, doc.k, { mode: 'correlate', bias: 0, activation: 'none' });
    expect(Array.from(targetY(doc).data)).toEqual(Array.from(plain.data, (v) => v + 5 + 2));
  });

  it("bug 4's case: bias 2 and ReLU in Explore, Train's target row is Explore's Y row", () => {
    const doc = new StudioDocument();
    doc.x = fromRows([[1, 1, 0, 0, 0, 0, 1, 1]]);
    doc.bias = 2;
    doc.activation = 'relu';
    doc.k = fromRows([[-1, 1]]);
    flushSync();
    const explore = forwardCpu(doc.x, doc.k, { mode: 'correlate', bias: 2, activation: 'relu' });
    expect(toRows(explore)).toEqual([[2, 1, 2, 2, 2, 3, 2]]);
    expect(Array.from(targetY(doc).data)).toEqual(Array.from(explore.data));
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
