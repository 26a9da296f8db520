/**
 * The Explore preset last applied, and whether the document still shows it: once X or K is
 * edited the preset is "modified" (its note may no longer hold). Undo back to the preset's
 * own X and K, or applying it again, makes it current again.
 */
import type { Matrix } from '#core/matrix';
import { presetImage, type Preset } from '#core/presets';
import type { StudioDocument } from '../../state/studio.svelte';
import { trainingForPreset } from '../../state/training-setup';
import type { ExploreSession } from './explore.svelte';

export class PresetChoice {
  preset = $state.raw<Preset | null>(null);
  /** X and K as the preset left them (or its own control set K). */
  private applied = $state.raw<{ x: Matrix; k: Matrix } | null>(null);

  /** The document and its edits, read when used (a component's props may change). */
  constructor(
    private readonly docOf: () => Pick<StudioDocument, 'x' | 'k'>,
    private readonly sessionOf: () => Pick<ExploreSession, 'edit' | 'editWith' | 'showIm2col'>,
  ) {}

  private get doc(): Pick<StudioDocument, 'x' | 'k'> {
    return this.docOf();
  }

  private get session(): Pick<ExploreSession, 'edit' | 'editWith' | 'showIm2col'> {
    return this.sessionOf();
  }

  /** X or K is no longer the preset's (compared by identity: every edit makes a new grid). */
  get modified(): boolean {
    return this.applied !== null && (this.doc.x !== this.applied.x || this.doc.k !== this.applied.k);
  }

  /**
   * Applies `p` as one undoable edit: its X (or the current X transformed), K, mode, bias and
   * activation, and the training settings that leave Train runnable on them (learn K's shape at
   * an lr that converges: `trainingForPreset`).
   */
  apply(p: Preset): void {
    this.preset = p;
    const {
      x,
      k,
      mode = 'correlate',
      bias = 0,
      activation = 'none',
    } = { ...p, x: presetImage(p, this.doc.x) };
    this.session.editWith({ x, k, mode, bias, activation }, (after) => ({
      training: trainingForPreset(after),
    }));
    this.applied = { x: this.doc.x, k: this.doc.k };
    if (p.showIm2col) this.session.showIm2col = true;
  }

  /** The preset's own control (the direction slider) sets K without making the preset "modified". */
  setKernel(k: Matrix): void {
    this.session.edit({ k });
    if (this.applied) this.applied = { ...this.applied, k: this.doc.k };
  }
}
