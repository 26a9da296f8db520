/** A preset stays current until X or K is edited; undo or applying it again makes it current again. */
import { describe, expect, it } from 'vitest';
import { fromRows } from '#core/matrix';
import { PRESETS } from '#core/presets';
import { ExploreSession } from '../../renderer/src/lib/explore/explore.svelte';
import { PresetChoice } from '../../renderer/src/lib/explore/preset-choice.svelte';
import { StudioDocument } from '../../renderer/src/state/studio.svelte';

function setup() {
  const doc = new StudioDocument();
  const session = new ExploreSession(doc);
  const choice = new PresetChoice(
    () => doc,
    () => session,
  );
  return { doc, session, choice };
}

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

  it("the preset's own control sets K without marking it modified", () => {
    const { doc, choice } = setup();
    choice.apply(preset('edgeDirection'));
    choice.setKernel(fromRows([[1, 0, -1]]));
    expect(doc.k.cols).toBe(3);
    expect(choice.modified).toBe(false);
  });
});
