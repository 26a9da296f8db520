/** The window outlined on X for an output cell: the stride moves it, padding lets it reach outside, dilation spreads it. */
import { describe, expect, it } from 'vitest';
import { zeros } from '#core/matrix';
import { windowRects } from '../../renderer/src/lib/explore/window';

const k = zeros(2, 3);

describe('windowRects', () => {
  it('is one rectangle for a dense kernel, moved by the stride and shifted by the padding', () => {
    expect(windowRects({ k, stride: [1, 1], padding: [0, 0], dilation: [1, 1] }, { row: 1, col: 2 })).toEqual(
      [{ row: 1, col: 2, rows: 2, cols: 3 }],
    );
    expect(windowRects({ k, stride: [2, 3], padding: [1, 2], dilation: [1, 1] }, { row: 1, col: 2 })).toEqual(
      [{ row: 1, col: 4, rows: 2, cols: 3 }],
    );
    // The first window of a padded layer starts in the ghost cells.
    expect(windowRects({ k, stride: [1, 1], padding: [1, 1], dilation: [1, 1] }, { row: 0, col: 0 })).toEqual(
      [{ row: -1, col: -1, rows: 2, cols: 3 }],
    );
  });

  it('is one cell per tap, spread by the dilation', () => {
    const rects = windowRects({ k, stride: [1, 1], padding: [0, 0], dilation: [2, 3] }, { row: 0, col: 1 });
    expect(rects.map((r) => [r.row, r.col])).toEqual([
      [0, 1],
      [0, 4],
      [0, 7],
      [2, 1],
      [2, 4],
      [2, 7],
    ]);
    expect(rects.every((r) => r.rows === 1 && r.cols === 1)).toBe(true);
  });
});
