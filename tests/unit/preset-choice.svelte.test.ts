/** A preset stays current until X or K is edited; undo or applying it again makes it current again. */
import { describe, expect, it } from 'vitest';
import { fromRows } from '#core/matrix';
import { PRESETS } from '#core/presets';
import { exploreSetup as setup } from '../helpers/explore-session';
import { trainingForPreset } from '../../renderer/src/state/training-setup';

const preset = (id: string) => PRESETS.find((p) => p.id === id)!;

describe('PresetChoice', () => {
  it('is modified after an edit of X or K, and current again after undo or re-applying', () => {
    const { doc, session, choice } = setup();
    expect(choice.modified).toBe(false);
    choice.apply(preset('edgeTransposed'));
    expect(choice.preset?.id).toBe('edgeTransposed');
    expect(choice.modified).toBe(false);

    session.edit({ x: fromRows([[5, 0]]) });
    expect(choice.modified).toBe(true);
    session.undo();
    expect(choice.modified).toBe(false);

    session.edit({ k: fromRows([[3, -1]]) });
    expect(choice.modified).toBe(true);
    choice.apply(preset('edgeTransposed'));
    expect(choice.modified).toBe(false);
    // Mode, bias or activation are not what the notes talk about.
    session.edit({ bias: 2 });
    expect(choice.modified).toBe(false);
    expect(doc.bias).toBe(2);
  });

  it('one undo restores everything a preset changed, Train settings included; redo applies it again', () => {
    const { doc, session, choice } = setup();
    const before = { x: doc.x, k: doc.k, training: doc.training };
    choice.apply(preset('sanity'));
    // Train learns the preset's 2×2 K at an lr below the divergence limit (d2l's 0.03 is above it).
    const applied = { x: doc.x, k: doc.k, training: doc.training };
    expect([applied.training.kernelRows, applied.training.kernelCols]).toEqual([2, 2]);
    expect(applied.training.lr).toBeLessThan(before.training.lr);
    expect(applied.training).toEqual(trainingForPreset(doc));

    session.undo();
    expect({ x: doc.x, k: doc.k, training: doc.training }).toEqual(before);
    expect(doc.training).toBe(before.training);
    expect(session.history.canUndo).toBe(false);
    session.redo();
    expect({ x: doc.x, k: doc.k, training: doc.training }).toEqual(applied);
  });

  it('undoing an edit that did not touch the Train settings leaves them as the user set them', () => {
    const { doc, session, choice } = setup();
    choice.apply(preset('sanity'));
    // X edited, then settings changed in the Train tab (not an Explore edit), then X undone.
    session.edit({ x: fromRows([[5, 0]]) });
    const chosen = { ...doc.training, steps: 50 };
    doc.training = chosen;
    session.undo();
    expect(doc.x).not.toEqual(fromRows([[5, 0]]));
    expect(doc.training).toBe(chosen);
    session.redo();
    expect(doc.training).toBe(chosen);
  });

  it("the preset's own control sets K without marking it modified", () => {
    const { doc, choice } = setup();
    choice.apply(preset('edgeDirection'));
    choice.setKernel(fromRows([[1, 0, -1]]));
    expect(doc.k.cols).toBe(3);
    expect(choice.modified).toBe(false);
  });
});
