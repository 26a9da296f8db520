/** X's colour views: grey covering the values (an image's 0…1 at least), and three channels as RGB. */
import { describe, expect, it } from 'vitest';
import { fromRows } from '#core/matrix';
import {
  colourOf,
  contrast,
  grayScale,
  inkFor,
  writeRgb,
  type Rgb,
} from '../../renderer/src/lib/grid/colour';

describe('grayScale', () => {
  it('covers 0…1 at least, and the values past it', () => {
    expect(grayScale([fromRows([[0.2, 0.5]])])).toMatchObject({ kind: 'gray', lo: 0, hi: 1 });
    expect(grayScale([fromRows([[-2]]), fromRows([[3]])])).toMatchObject({ lo: -2, hi: 3 });
    // White is white and black is black: an imported photo reads as itself, not as a red negative.
    const scale = grayScale([fromRows([[0, 1]])]);
    expect(colourOf(1, scale)).toEqual([255, 255, 255]);
    expect(colourOf(0, scale)).toEqual([0, 0, 0]);
  });
});

describe('writeRgb', () => {
  it('writes channel c of each cell as colour component c, lo…hi → 0…255', () => {
    const r = fromRows([[1, 0]]);
    const g = fromRows([[0, 0.2]]);
    const b = fromRows([[0, 1]]);
    const out = new Uint8ClampedArray(8);
    writeRgb(out, [r, g, b], { kind: 'gray', lo: 0, hi: 1 });
    expect([...out]).toEqual([255, 0, 0, 255, 0, 51, 255, 255]);
  });
});

describe('inkFor: value text readable on every cell colour (WCAG AA, as axe-core checks)', () => {
  it('reaches 4.5:1 on every colour of the light and dark scales and on any grey', () => {
    const backgrounds: Rgb[] = [];
    for (const dark of [false, true])
      for (let v = -1; v <= 1; v += 1 / 256)
        backgrounds.push(colourOf(v, { kind: 'diverging', lo: -1, hi: 1, dark }));
    for (let g = 0; g <= 255; g++) backgrounds.push([g, g, g]);
    for (const rgb of backgrounds) {
      const ink: Rgb = inkFor(rgb) === '#000' ? [0, 0, 0] : [255, 255, 255];
      expect(
        contrast(rgb, ink),
        `${rgb.map(Math.round).join(',')} with ${inkFor(rgb)}`,
      ).toBeGreaterThanOrEqual(4.5);
    }
  });

  it('contrast is WCAG’s: black on white 21, white on white 1', () => {
    expect(contrast([0, 0, 0], [255, 255, 255])).toBeCloseTo(21, 5);
    expect(contrast([255, 255, 255], [255, 255, 255])).toBe(1);
  });
});
