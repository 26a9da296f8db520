/** The Explore view's state as the app wires it: a document, its undoable edits and its preset choice. */
import { ExploreSession } from '../../renderer/src/lib/explore/explore.svelte';
import { PresetChoice } from '../../renderer/src/lib/explore/preset-choice.svelte';
import { StudioDocument } from '../../renderer/src/state/studio.svelte';

export function exploreSetup() {
  const doc = new StudioDocument();
  const session = new ExploreSession(doc);
  const choice = new PresetChoice(
    () => doc,
    () => session,
  );
  return { doc, session, choice };
}
