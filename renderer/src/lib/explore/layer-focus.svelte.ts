/**
 * The output cell hovered in the layer tab: which output channel, which cell, and which view
 * hovered it (the tab's own Y grids or the flow's Y_o), so that the breakdown of that view writes it out
 * and X outlines that cell's receptive field (its taps, with dilation and stride).
 */
import type { Cell } from '#core/grid-ops';
import type { Shape2 } from '#core/layer';
import { windowRects, type CellRect, type WindowLayer } from './window';

/** Where the hovered cell was hovered: the tab's Y grids, or the flow of one output channel. */
export type FocusSource = 'grids' | 'flow';

export interface FocusedCell {
  readonly source: FocusSource;
  /** The output channel (0-based). */
  readonly output: number;
  readonly cell: Cell;
}

export class LayerFocus {
  #hovered = $state.raw<FocusedCell | null>(null);

  /** A cell of output channel `output` is hovered in `source`; null when the pointer leaves. */
  hover(source: FocusSource, output: number, cell: Cell | null): void {
    this.#hovered = cell ? { source, output, cell } : null;
  }

  /** The hovered cell when it still lies in Y (`shape`, `outputs` channels), else null. */
  at(shape: Shape2 | null, outputs: number): FocusedCell | null {
    const h = this.#hovered;
    if (!h || !shape || h.output >= outputs || h.cell.row >= shape.rows || h.cell.col >= shape.cols)
      return null;
    return h;
  }

  /** The receptive field of the hovered cell on X: its kernel's taps (spread by dilation, moved by stride). */
  field(layer: WindowLayer, shape: Shape2 | null, outputs: number): CellRect[] {
    const h = this.at(shape, outputs);
    return h ? windowRects(layer, h.cell) : [];
  }
}
