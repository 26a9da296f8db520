/**
 * The document's one undoable edit path (Explore's and Train's edits alike), and the Explore
 * view's state: the hovered output cell and the view shown (the live Y is `LayerOutput`'s).
 */
import type { Matrix } from '#core/matrix';
import type { Cell } from '#core/grid-ops';
import { layerOf, type LayerFields } from '#core/layer-stack';
import { documentState, type DocumentChange } from '#core/presets';
import { History } from '../../state/history.svelte';
import type { StudioDocument, TrainingSettings } from '../../state/studio.svelte';

/** The document's fields an edit may set besides the layer: Train's settings and its drawn target. */
const BESIDE_LAYER = ['training', 'drawnTarget'] as const;
type BesideLayer = { readonly training?: TrainingSettings; readonly drawnTarget?: Matrix | null };

/**
 * What undo restores: the whole layer (X's channels, the kernels, biases, geometry, mode,
 * activation), and the training settings or drawn target when the edit set them.
 */
export type DocSnapshot = LayerFields & BesideLayer;
/**
 * An edit, from Explore or Train: layer fields, or the first channel/kernel/bias (`x`, `k`,
 * `bias`) as the single-kernel editors make them; training settings; the drawn target.
 */
export type DocChange = Partial<LayerFields> &
  BesideLayer & {
    readonly x?: Matrix;
    readonly k?: Matrix;
    readonly bias?: number;
  };

export type ExploreViewId = 'kernel' | 'layer';
export const X_COLOURS = ['diverging', 'gray', 'rgb'] as const;
export type XColours = (typeof X_COLOURS)[number];

export class ExploreSession {
  readonly history = new History<DocSnapshot>();
  hover = $state.raw<Cell | null>(null);
  showIm2col = $state(false);
  /** Explore's two views: X, K and Y side by side, or the layer's channels and geometry. */
  view = $state<ExploreViewId>('kernel');
  /** How X's values are coloured: the diverging map, grey (an image), or its 3 channels as RGB. */
  xColours = $state<XColours>('diverging');
  /** Image import keeps colour as 3 channels (R, G, B) unless the user asks for grey. */
  keepColour = $state(true);
  /** The input channel and output channel the X, K and Y view shows and edits (0-based, as picked). */
  private pickedInput = $state(0);
  private pickedOutput = $state(0);

  constructor(private readonly doc: StudioDocument) {}

  /** The input channel shown in X, K and Y (within the layer's channels). */
  get shownInput(): number {
    return Math.min(this.pickedInput, this.doc.channels.length - 1);
  }
  set shownInput(c: number) {
    this.pickedInput = Math.max(0, c);
  }

  /** The output channel shown in X, K and Y (its kernels, bias and Y). */
  get shownOutput(): number {
    return Math.min(this.pickedOutput, this.doc.kernels.length - 1);
  }
  set shownOutput(o: number) {
    this.pickedOutput = Math.max(0, o);
  }

  /** The document's layer (core's LAYER_FIELDS). */
  snapshot(): DocSnapshot {
    return layerOf(this.doc);
  }

  /** The layer, and the other fields `like` sets (training, drawn target): what an undo step holds. */
  private current(like: DocChange): DocSnapshot {
    const beside = BESIDE_LAYER.filter((f) => f in like).map((f) => [f, this.doc[f]]);
    return { ...this.snapshot(), ...Object.fromEntries(beside) };
  }

  private restore(s: DocChange): void {
    Object.assign(this.doc, s);
  }

  /** Applies an edit as one undo step (or part of the step named `group`). */
  edit(change: DocChange, group?: string): void {
    const keys = Object.keys(change) as (keyof DocChange)[];
    if (keys.every((key) => change[key] === this.doc[key])) return;
    this.history.record(this.current(change), group);
    this.restore(change);
  }

  /**
   * Makes the document the whole state `change` names (a preset, a lesson step): what it does not
   * name comes from the defaults and Train's settings are fitted to it (core's `documentState`),
   * all as one undo step.
   */
  applyState(change: DocumentChange): void {
    const { training, drawnTarget } = this.doc;
    this.edit(documentState(change, { training, drawnTarget }));
  }

  undo(): void {
    const s = this.history.undo((entry) => this.current(entry));
    if (s) this.restore(s);
  }

  redo(): void {
    const s = this.history.redo((entry) => this.current(entry));
    if (s) this.restore(s);
  }
}
