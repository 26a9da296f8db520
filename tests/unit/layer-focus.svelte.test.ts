import { describe, expect, it } from 'vitest';
import { zeros } from '#core/matrix';
import { LayerFocus } from '../../renderer/src/lib/explore/layer-focus.svelte';

const shape = { rows: 3, cols: 3 };
const layer = (stride: [number, number], padding: [number, number], dilation: [number, number]) => ({
  k: zeros(3, 3),
  stride,
  padding,
  dilation,
});

describe('LayerFocus: the hovered output cell of the layer tab', () => {
  it('keeps the output channel, the cell and the view that hovered it; leaving clears it', () => {
    const f = new LayerFocus();
    expect(f.at(shape, 2)).toBeNull();
    f.hover('grids', 1, { row: 2, col: 0 });
    expect(f.at(shape, 2)).toEqual({ source: 'grids', output: 1, cell: { row: 2, col: 0 } });
    f.hover('flow', 0, { row: 0, col: 1 });
    expect(f.at(shape, 2)?.source).toBe('flow');
    f.hover('flow', 0, null);
    expect(f.at(shape, 2)).toBeNull();
  });

  it('a cell no longer in Y (fewer outputs, a smaller Y) is not focused', () => {
    const f = new LayerFocus();
    f.hover('grids', 2, { row: 2, col: 2 });
    expect(f.at(shape, 2)).toBeNull();
    expect(f.at({ rows: 2, cols: 3 }, 3)).toBeNull();
    expect(f.at(shape, 3)).not.toBeNull();
    expect(f.field(layer([1, 1], [0, 0], [1, 1]), null, 3)).toEqual([]);
  });

  it('the receptive field: one 3×3 rectangle moved by the stride, minus the padding', () => {
    const f = new LayerFocus();
    f.hover('grids', 0, { row: 1, col: 2 });
    expect(f.field(layer([2, 3], [1, 0], [1, 1]), shape, 1)).toEqual([{ row: 1, col: 6, rows: 3, cols: 3 }]);
  });

  it('with dilation the field is the 9 spread taps, d apart (tap (i, j) at row·s − p + i·d)', () => {
    const f = new LayerFocus();
    f.hover('grids', 0, { row: 1, col: 0 });
    const taps = f.field(layer([2, 1], [0, 1], [2, 3]), shape, 1);
    expect(taps).toHaveLength(9);
    expect(taps.map((t) => [t.row, t.col])).toEqual([
      [2, -1],
      [2, 2],
      [2, 5],
      [4, -1],
      [4, 2],
      [4, 5],
      [6, -1],
      [6, 2],
      [6, 5],
    ]);
    expect(taps.every((t) => t.rows === 1 && t.cols === 1)).toBe(true);
  });
});
