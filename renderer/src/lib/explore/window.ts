/** Where the window behind an output cell sits on X, as rectangles to outline on X's grid. */
import type { Cell } from '#core/grid-ops';
import { windowTaps, type Pair } from '#core/layer';
import type { Matrix } from '#core/matrix';

/** A rectangle of cells (as the grid outlines them; draw.ts's `Rect`, which needs the DOM types). */
export interface CellRect extends Cell {
  readonly rows: number;
  readonly cols: number;
}

export interface WindowLayer {
  readonly k: Matrix;
  readonly stride: Pair;
  readonly padding: Pair;
  readonly dilation: Pair;
}

/**
 * The window of output cell `focus` on X (X's coordinates; it may reach into the padding, which
 * is negative or past X's size): one rectangle for a dense kernel, one cell per tap when the
 * kernel is dilated (spread taps). The stride moves the window from one cell to the next.
 */
export function windowRects(layer: WindowLayer, focus: Cell): CellRect[] {
  // Fields read one by one: the document is a class whose state a spread would not copy.
  const { k, stride, padding, dilation } = layer;
  const taps = windowTaps({ kernel: [k.rows, k.cols], stride, padding, dilation }, focus.row, focus.col);
  if (dilation[0] === 1 && dilation[1] === 1)
    return [{ row: taps[0].rows, col: taps[0].cols, rows: k.rows, cols: k.cols }];
  return taps.map((t) => ({ row: t.rows, col: t.cols, rows: 1, cols: 1 }));
}
