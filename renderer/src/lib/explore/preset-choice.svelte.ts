/**
 * The preset last applied, and whether the document still shows it: once X or K is edited the
 * preset is "modified" (its note may no longer hold). Undo back to the preset's own X and K, or
 * applying it again, makes it current again.
 */
import type { Matrix } from '#core/matrix';
import type { Kernels } from '#core/layer-stack';
import { presetState, type Preset } from '#core/presets';
import type { StudioDocument } from '../../state/studio.svelte';
import type { ExploreSession } from './explore.svelte';

type Session = Pick<ExploreSession, 'edit' | 'applyState' | 'showIm2col'>;

export class PresetChoice {
  preset = $state.raw<Preset | null>(null);
  /** X and the kernels as the preset left them (or its own control set K). */
  private applied = $state.raw<{ channels: readonly Matrix[]; kernels: Kernels } | null>(null);

  /** The document and its edits, read when used (a component's props may change). */
  constructor(
    private readonly docOf: () => Pick<StudioDocument, 'channels' | 'kernels'>,
    private readonly sessionOf: () => Session,
  ) {}

  private get doc(): Pick<StudioDocument, 'channels' | 'kernels'> {
    return this.docOf();
  }

  private get session(): Session {
    return this.sessionOf();
  }

  /** X or K is no longer the preset's (compared by identity: every edit makes a new grid list). */
  get modified(): boolean {
    return (
      this.applied !== null &&
      (this.doc.channels !== this.applied.channels || this.doc.kernels !== this.applied.kernels)
    );
  }

  /**
   * Applies `p` as one undoable edit: the whole document state it names (what it does not name
   * from the defaults), with the training settings that leave Train runnable on it (core's
   * `documentState`).
   */
  apply(p: Preset): void {
    this.preset = p;
    this.session.applyState(presetState(p, this.doc));
    this.applied = { channels: this.doc.channels, kernels: this.doc.kernels };
    if (p.showIm2col) this.session.showIm2col = true;
  }

  /** The preset's own control (the direction slider) sets K without making the preset "modified". */
  setKernel(k: Matrix): void {
    this.session.edit({ k });
    if (this.applied) this.applied = { ...this.applied, kernels: this.doc.kernels };
  }
}
