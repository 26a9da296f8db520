/** X's colour views: grey covering the values (an image's 0…1 at least), and three channels as RGB. */
import { describe, expect, it } from 'vitest';
import { fromRows } from '#core/matrix';
import {
  colourOf,
  contrast,
  grayScale,
  inkFor,
  scaleEndLabel,
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

describe('scaleEndLabel: the legend writes four significant digits, so the ends fit their card', () => {
  it('"1083", not "1083.3444" (which overflowed its card)', () => {
    expect(scaleEndLabel(1083.3444)).toBe('1083');
    expect(scaleEndLabel(-1083.3444)).toBe('-1083');
    expect(scaleEndLabel(0.123456)).toBe('0.1235');
    expect(scaleEndLabel(1)).toBe('1');
    expect(scaleEndLabel(-0)).toBe('0');
  });

  it('every value a grid can hold (±1e6) is at most 8 characters, within 0.5% of itself (4 decimals below 0.01)', () => {
    for (let e = -4; e <= 6; e++)
      for (const m of [1, 1.23456789, 3.33333, 9.99951, 5.5555]) {
        const v = m * 10 ** e;
        if (v > 1e6) continue;
        for (const x of [v, -v]) {
          const label = scaleEndLabel(x);
          expect(label.length, label).toBeLessThanOrEqual(8);
          const off = Math.abs(Number(label) - x);
          if (Math.abs(x) >= 1e-2) expect(off / Math.abs(x), label).toBeLessThan(5e-3);
          else if (Math.abs(x) >= 1e-3) expect(off, label).toBeLessThanOrEqual(5e-5);
        }
      }
  });
});
