import { describe, expect, it } from 'vitest';
import {
  clear,
  equals,
  extent,
  filled,
  fitCell,
  fitSize,
  flipHorizontal,
  flipVertical,
  floodFill,
  grayFromRgba,
  invert,
  lineCells,
  paintCells,
  randomFill,
  resize,
  setCell,
  shift,
  transpose,
} from '#core/grid-ops';
import { fromRows, toRows } from '#core/matrix';
import {
  breakdown,
  flattenColumn,
  formatValue,
  im2col,
  im2colProduct,
  matmul,
  outputShape,
  slidKernel,
} from '#core/im2col';
import { forwardCpu } from '#core/cpu/index';
import { randomMatrix } from '#core/random';
import { presetById, presetKernel, sanityImage } from '#core/presets';
import {
  autoScale,
  colourOf,
  pendingColour,
  writeChangedColours,
  writeColours,
} from '../../renderer/src/lib/grid/colour';

/** d2l's sanity case: X = 0…8 (3×3), K = [[0, 1], [2, 3]]. */
const sanity = () => ({ x: sanityImage(), k: presetKernel(presetById('sanity')!) });

const m23 = fromRows([
  [1, 2, 3],
  [4, 5, 6],
]);

describe('grid ops', () => {
  it('clear, filled and invert', () => {
    expect(toRows(clear(m23))).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ]);
    expect(toRows(filled(1, 2, 7))).toEqual([[7, 7]]);
    expect(toRows(invert(fromRows([[0, 1, 0.25]])))).toEqual([[1, 0, 0.75]]);
    expect(toRows(invert(fromRows([[-1, 1]]), -1, 1))).toEqual([[1, -1]]);
  });

  it('never mutates its input', () => {
    const before = toRows(m23);
    for (const op of [clear, flipHorizontal, flipVertical, transpose, (m: typeof m23) => shift(m, 1, 1)])
      op(m23);
    resize(m23, 4, 4, 'c');
    setCell(m23, 0, 0, 9);
    floodFill(m23, 0, 0, 9);
    expect(toRows(m23)).toEqual(before);
  });

  it('flips and transposes', () => {
    expect(toRows(flipHorizontal(m23))).toEqual([
      [3, 2, 1],
      [6, 5, 4],
    ]);
    expect(toRows(flipVertical(m23))).toEqual([
      [4, 5, 6],
      [1, 2, 3],
    ]);
    expect(toRows(transpose(m23))).toEqual([
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
    expect(equals(transpose(transpose(m23)), m23)).toBe(true);
  });

  it('shifts with fill or wrap', () => {
    expect(toRows(shift(m23, 0, 1))).toEqual([
      [0, 1, 2],
      [0, 4, 5],
    ]);
    expect(toRows(shift(m23, -1, 0))).toEqual([
      [4, 5, 6],
      [0, 0, 0],
    ]);
    expect(toRows(shift(m23, 1, -1, true))).toEqual([
      [5, 6, 4],
      [2, 3, 1],
    ]);
  });

  it('resizes around an anchor', () => {
    expect(toRows(resize(m23, 3, 4))).toEqual([
      [1, 2, 3, 0],
      [4, 5, 6, 0],
      [0, 0, 0, 0],
    ]);
    expect(toRows(resize(m23, 3, 4, 'br'))).toEqual([
      [0, 0, 0, 0],
      [0, 1, 2, 3],
      [0, 4, 5, 6],
    ]);
    expect(toRows(resize(m23, 1, 1, 'c'))).toEqual([[2]]);
    expect(toRows(resize(m23, 2, 2, 'tr'))).toEqual([
      [2, 3],
      [5, 6],
    ]);
    expect(toRows(resize(m23, 4, 5, 'c'))).toEqual([
      [0, 0, 0, 0, 0],
      [0, 1, 2, 3, 0],
      [0, 4, 5, 6, 0],
      [0, 0, 0, 0, 0],
    ]);
    expect(() => resize(m23, 0, 2)).toThrow(/at least 1×1/);
  });

  it('random fill is seeded and in range', () => {
    const a = randomFill(m23, 42, -1, 1);
    expect(equals(a, randomFill(m23, 42, -1, 1))).toBe(true);
    expect(equals(a, randomFill(m23, 43, -1, 1))).toBe(false);
    const { min, max } = extent(a);
    expect(min).toBeGreaterThanOrEqual(-1);
    expect(max).toBeLessThan(1);
    expect([...randomFill(filled(8, 8), 1, 0, 1, true).data].every((v) => v === 0 || v === 1)).toBe(true);
  });

  it('paints cells and lines, returning the same matrix when nothing changes', () => {
    const z = filled(3, 3);
    const p = paintCells(z, lineCells({ row: 0, col: 0 }, { row: 2, col: 2 }), 1);
    expect(toRows(p)).toEqual([
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ]);
    expect(paintCells(p, [{ row: 1, col: 1 }], 1)).toBe(p);
    expect(paintCells(p, [{ row: 5, col: 1 }], 3)).toBe(p);
    expect(lineCells({ row: 0, col: 0 }, { row: 0, col: 4 })).toHaveLength(5);
  });

  it('flood fills a 4-connected region', () => {
    const m = fromRows([
      [0, 0, 1],
      [1, 0, 1],
      [0, 1, 0],
    ]);
    expect(toRows(floodFill(m, 0, 0, 5))).toEqual([
      [5, 5, 1],
      [1, 5, 1],
      [0, 1, 0],
    ]);
    expect(floodFill(m, 0, 0, 0)).toBe(m);
  });

  it('converts RGBA to grayscale in a value range and fits sizes', () => {
    const rgba = [0, 0, 0, 255, 255, 255, 255, 255, 255, 0, 0, 255, 10, 10, 10, 0];
    const g = grayFromRgba(rgba, 2, 2);
    expect(g.data[0]).toBe(0);
    expect(g.data[1]).toBe(1);
    expect(g.data[2]).toBeCloseTo(0.299);
    expect(g.data[3]).toBe(1); // transparent counts as white paper
    expect(toRows(grayFromRgba([0, 0, 0, 255, 255, 255, 255, 255], 2, 1, -1, 1))).toEqual([[-1, 1]]);
    expect(fitSize(4000, 3000, 64)).toEqual({ rows: 48, cols: 64 });
    expect(fitSize(4, 3, 64)).toEqual({ rows: 3, cols: 4 });
  });
});

describe('im2col and the written-out sum', () => {
  it('im2col · vec(K) equals corr2d for random shapes and both modes', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const x = randomMatrix(3 + (seed % 5), 2 + (seed % 7), seed, -1, 1);
      const k = randomMatrix(1 + (seed % 3), 1 + (seed % 2), seed + 100, -1, 1);
      for (const mode of ['correlate', 'convolve'] as const) {
        const y = forwardCpu(x, k, { mode, bias: 0, activation: 'none' });
        const viaMatmul = matmul(im2col(x, k.rows, k.cols), flattenColumn(slidKernel(k, mode)));
        expect(viaMatmul.data.length).toBe(y.data.length);
        viaMatmul.data.forEach((v, i) => expect(v).toBeCloseTo(y.data[i], 5));
      }
    }
  });

  it('writes out the sanity case as in d2l', () => {
    const { x, k } = sanity();
    const b = breakdown(x, k, 0, 0, { mode: 'correlate', bias: 0, activation: 'none' });
    expect(b.text).toBe('0×0 + 1×1 + 3×2 + 4×3 = 19');
    const relu = breakdown(x, k, 1, 1, { mode: 'correlate', bias: -50, activation: 'relu' });
    expect(relu.text).toBe('4×0 + 5×1 + 7×2 + 8×3 = 43; 43 + b (-50) = -7; relu(-7) = 0');
    expect(relu.value).toBe(0);
    const conv = breakdown(x, k, 0, 0, { mode: 'convolve', bias: 0, activation: 'none' });
    expect(conv.text).toBe('0×3 + 1×2 + 3×1 + 4×0 = 5');
    expect(
      breakdown(x, fromRows([[1, -1]]), 0, 0, { mode: 'correlate', bias: 0, activation: 'none' }).text,
    ).toBe('0×1 + 1×(-1) = -1');
  });

  it('shapes and number formatting', () => {
    expect(outputShape(filled(6, 8), filled(1, 2))).toEqual({ rows: 6, cols: 7 });
    expect(outputShape(filled(3, 3), filled(4, 1))).toBeNull();
    expect(formatValue(-0)).toBe('0');
    expect(formatValue(1 / 3)).toBe('0.3333');
    expect(formatValue(Math.fround(0.1))).toBe('0.1');
  });
});

describe('the im2col product view', () => {
  it('gives im2col(X), vec(K) and vec(Y) for the sanity case, flipping K for convolution', () => {
    const { x, k } = sanity();
    const p = im2colProduct(x, k, 'correlate')!;
    expect(p.cols[0]).toEqual([0, 1, 3, 4]);
    expect(p.cols).toHaveLength(4);
    expect(p.w).toEqual([[0], [1], [2], [3]]);
    expect(p.y).toEqual([[19], [25], [37], [43]]);
    expect(im2colProduct(x, k, 'convolve')!.y).toEqual([[5], [11], [23], [29]]);
  });

  it('is null when K is larger than X or the product is too big to show', () => {
    expect(im2colProduct(filled(2, 2), filled(3, 1), 'correlate')).toBeNull();
    expect(im2colProduct(filled(20, 20), filled(2, 2), 'correlate')).toBeNull();
    expect(im2colProduct(filled(8, 8), filled(6, 6), 'correlate')).toBeNull();
  });
});

describe('fitting a grid to its panel', () => {
  it('fills the tighter side, in whole pixels when big, within bounds', () => {
    expect(fitCell({ width: 400, height: 300 }, 6, 8, 2, 56)).toBe(50);
    expect(fitCell({ width: 400, height: 300 }, 6, 8, 2, 40)).toBe(40);
    expect(fitCell({ width: 300, height: 300 }, 256, 256)).toBe(2);
    expect(fitCell({ width: 700, height: 700 }, 256, 256)).toBe(2.5);
    expect(fitCell({ width: 0, height: 0 }, 3, 3, 2, 56)).toBe(24);
  });
});

describe('grid colours', () => {
  it('the lookup table matches the colour map; pending and non-finite cells stand out', () => {
    for (const dark of [false, true]) {
      const scale = autoScale(fromRows([[-2, 2]]), 1, dark);
      const values = [-2, -1, -0.37, 0, 0.5, 1.999, 2, 7, Number.NaN];
      const out = new Uint8ClampedArray(values.length * 4);
      writeColours(out, values, 8, scale);
      values.slice(0, 8).forEach((v, i) => {
        const want = colourOf(v, scale);
        for (let c = 0; c < 3; c++) expect(Math.abs(out[i * 4 + c] - want[c])).toBeLessThanOrEqual(1);
        expect(out[i * 4 + 3]).toBe(255);
      });
      expect([...out.slice(32, 35)]).toEqual([...pendingColour(scale)]);
      const nan = new Uint8ClampedArray(4);
      writeColours(nan, [Number.NaN], Infinity, scale);
      expect([...nan.slice(0, 3)]).toEqual([255, 0, 255]);
    }
    // −1 and +1 are equally far from the colour of 0 (a symmetric diverging map).
    const s = autoScale(null);
    const dist = (a: readonly number[], b: readonly number[]) =>
      Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
    const zero = colourOf(0, s);
    expect(dist(colourOf(1, s), zero) / dist(colourOf(-1, s), zero)).toBeCloseTo(1, 0);
  });

  it('recolouring only the changed cells gives the colours of a full redraw, and says which cells changed', () => {
    const scale = autoScale(fromRows([[-3, 3]]));
    const n = 40;
    const data = Float32Array.from({ length: n }, (_, i) => Math.sin(i) * 2);
    const out = new Uint8ClampedArray(n * 4);
    writeColours(out, data, 30, scale);
    const seen = Float32Array.from(data);
    expect(writeChangedColours(out, data, seen, 30, scale)).toBeNull();
    // An edit: two cells (one of them past the revealed count), a NaN, and a -0 (drawn as 0).
    data[5] = 2.5;
    data[33] = -1;
    data[12] = Number.NaN;
    data[20] = -0;
    expect(writeChangedColours(out, data, seen, 30, scale)).toEqual({ first: 5, last: 33 });
    const full = new Uint8ClampedArray(n * 4);
    writeColours(full, data, 30, scale);
    expect([...out]).toEqual([...full]);
    expect([...seen]).toEqual([...data]);
    // A NaN that stays NaN is not recoloured again.
    expect(writeChangedColours(out, data, seen, 30, scale)).toBeNull();
  });
});
