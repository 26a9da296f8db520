/**
 * Pure grid operations for the grid editors: every function returns a new Matrix
 * and never mutates its input, so each edit is one assignment that undo can record.
 */
import { KernelStudioError } from './errors';
import { flip2d, transpose, zeros, type Matrix } from './matrix';
import { randomMatrix } from './random';

export { transpose, flip2d };

/** Where the old content stays when a grid is resized: 'tl' top-left … 'c' centre … 'br' bottom-right. */
export type Anchor = 'tl' | 't' | 'tr' | 'l' | 'c' | 'r' | 'bl' | 'b' | 'br';
export const ANCHORS: readonly Anchor[] = ['tl', 't', 'tr', 'l', 'c', 'r', 'bl', 'b', 'br'];

export interface Cell {
  readonly row: number;
  readonly col: number;
}

export function inBounds(m: Matrix, row: number, col: number): boolean {
  return row >= 0 && col >= 0 && row < m.rows && col < m.cols;
}

/** A grid of one value. */
export function filled(rows: number, cols: number, value = 0): Matrix {
  const m = zeros(rows, cols);
  if (value !== 0) m.data.fill(value);
  return m;
}

/** Same shape, all zeros. */
export function clear(m: Matrix): Matrix {
  return zeros(m.rows, m.cols);
}

/** Mirrors values within [lo, hi]: v ↦ lo + hi − v (so 0/1 images swap black and white). */
export function invert(m: Matrix, lo = 0, hi = 1): Matrix {
  const data = new Float32Array(m.data.length);
  for (let i = 0; i < data.length; i++) data[i] = lo + hi - m.data[i];
  return { rows: m.rows, cols: m.cols, data };
}

/** Mirrors left ↔ right. */
export function flipHorizontal(m: Matrix): Matrix {
  const data = new Float32Array(m.data.length);
  for (let r = 0; r < m.rows; r++)
    for (let c = 0; c < m.cols; c++) data[r * m.cols + c] = m.data[r * m.cols + (m.cols - 1 - c)];
  return { rows: m.rows, cols: m.cols, data };
}

/** Mirrors top ↔ bottom. */
export function flipVertical(m: Matrix): Matrix {
  const data = new Float32Array(m.data.length);
  for (let r = 0; r < m.rows; r++)
    data.set(m.data.subarray((m.rows - 1 - r) * m.cols, (m.rows - r) * m.cols), r * m.cols);
  return { rows: m.rows, cols: m.cols, data };
}

/**
 * Moves the content by (dr, dc) cells. With `wrap` the content rolls around
 * (numpy.roll); without it, cells shifted in are `fill`.
 */
export function shift(m: Matrix, dr: number, dc: number, wrap = false, fill = 0): Matrix {
  const data = new Float32Array(m.data.length);
  for (let r = 0; r < m.rows; r++) {
    for (let c = 0; c < m.cols; c++) {
      let sr = r - dr;
      let sc = c - dc;
      if (wrap) {
        sr = ((sr % m.rows) + m.rows) % m.rows;
        sc = ((sc % m.cols) + m.cols) % m.cols;
      }
      data[r * m.cols + c] = inBounds(m, sr, sc) ? m.data[sr * m.cols + sc] : fill;
    }
  }
  return { rows: m.rows, cols: m.cols, data };
}

const ROW_POS: Record<Anchor, -1 | 0 | 1> = { tl: -1, t: -1, tr: -1, l: 0, c: 0, r: 0, bl: 1, b: 1, br: 1 };
const COL_POS: Record<Anchor, -1 | 0 | 1> = { tl: -1, t: 0, tr: 1, l: -1, c: 0, r: 1, bl: -1, b: 0, br: 1 };

/** Where old index 0 lands in the new grid along one axis (-1 start, 0 centre, 1 end). */
function offset(pos: -1 | 0 | 1, oldSize: number, newSize: number): number {
  if (pos < 0) return 0;
  if (pos > 0) return newSize - oldSize;
  return Math.trunc((newSize - oldSize) / 2);
}

/**
 * Changes the shape to rows×cols, keeping the old content pinned at `anchor`;
 * new cells are `fill`, cells outside the new shape are cropped.
 */
export function resize(m: Matrix, rows: number, cols: number, anchor: Anchor = 'tl', fill = 0): Matrix {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 1 || cols < 1)
    throw new KernelStudioError('invalid-argument', `A grid must be at least 1×1, not ${rows}×${cols}.`);
  const dr = offset(ROW_POS[anchor], m.rows, rows);
  const dc = offset(COL_POS[anchor], m.cols, cols);
  const out = filled(rows, cols, fill);
  for (let r = 0; r < rows; r++) {
    const sr = r - dr;
    if (sr < 0 || sr >= m.rows) continue;
    for (let c = 0; c < cols; c++) {
      const sc = c - dc;
      if (sc >= 0 && sc < m.cols) out.data[r * cols + c] = m.data[sr * m.cols + sc];
    }
  }
  return out;
}

/** A seeded random grid of the same shape, uniform in [lo, hi), optionally rounded to 0/1. */
export function randomFill(m: Matrix, seed: number, lo = 0, hi = 1, binary = false): Matrix {
  const out = randomMatrix(m.rows, m.cols, seed, lo, hi);
  if (binary) for (let i = 0; i < out.data.length; i++) out.data[i] = out.data[i] < (lo + hi) / 2 ? lo : hi;
  return out;
}

/** Sets the given cells to `value`; returns the input itself when nothing changes. */
export function paintCells(m: Matrix, cells: readonly Cell[], value: number): Matrix {
  const fv = Math.fround(value);
  const changed = cells.some((p) => inBounds(m, p.row, p.col) && m.data[p.row * m.cols + p.col] !== fv);
  if (!changed) return m;
  const data = new Float32Array(m.data);
  for (const p of cells) if (inBounds(m, p.row, p.col)) data[p.row * m.cols + p.col] = fv;
  return { rows: m.rows, cols: m.cols, data };
}

export function setCell(m: Matrix, row: number, col: number, value: number): Matrix {
  return paintCells(m, [{ row, col }], value);
}

/** The cells on the straight line from a to b (Bresenham), so fast drags leave no gaps. */
export function lineCells(a: Cell, b: Cell): Cell[] {
  const cells: Cell[] = [];
  let r = a.row;
  let c = a.col;
  const dr = Math.abs(b.row - r);
  const dc = Math.abs(b.col - c);
  const sr = r < b.row ? 1 : -1;
  const sc = c < b.col ? 1 : -1;
  let err = dc - dr;
  for (;;) {
    cells.push({ row: r, col: c });
    if (r === b.row && c === b.col) return cells;
    const e2 = 2 * err;
    if (e2 > -dr) {
      err -= dr;
      c += sc;
    }
    if (e2 < dc) {
      err += dc;
      r += sr;
    }
  }
}

/** Fills the 4-connected region of equal values around (row, col) with `value`. */
export function floodFill(m: Matrix, row: number, col: number, value: number): Matrix {
  if (!inBounds(m, row, col)) return m;
  const target = m.data[row * m.cols + col];
  const fv = Math.fround(value);
  if (target === fv) return m;
  const data = new Float32Array(m.data);
  const stack = [row * m.cols + col];
  while (stack.length) {
    const i = stack.pop()!;
    if (data[i] !== target) continue;
    data[i] = fv;
    const r = Math.floor(i / m.cols);
    const c = i - r * m.cols;
    if (r > 0) stack.push(i - m.cols);
    if (r < m.rows - 1) stack.push(i + m.cols);
    if (c > 0) stack.push(i - 1);
    if (c < m.cols - 1) stack.push(i + 1);
  }
  return { rows: m.rows, cols: m.cols, data };
}

export function equals(a: Matrix, b: Matrix): boolean {
  if (a.rows !== b.rows || a.cols !== b.cols) return false;
  for (let i = 0; i < a.data.length; i++) if (a.data[i] !== b.data[i]) return false;
  return true;
}

/** Rec. 601 luma of an sRGB pixel, in [0, 1]. */
export function luma(r: number, g: number, b: number): number {
  return (0.299 * r + 0.587 * g + 0.114 * b) / 255;
}

/**
 * Converts RGBA pixels (ImageData layout, width×height) to a grayscale grid with
 * values mapped from [0, 1] (black … white) to [lo, hi]. Transparent pixels count as
 * white paper (alpha-composited over white).
 */
export function grayFromRgba(rgba: ArrayLike<number>, width: number, height: number, lo = 0, hi = 1): Matrix {
  const out = zeros(height, width);
  for (let i = 0; i < width * height; i++) {
    const a = rgba[i * 4 + 3] / 255;
    const y = luma(rgba[i * 4], rgba[i * 4 + 1], rgba[i * 4 + 2]) * a + (1 - a);
    out.data[i] = lo + (hi - lo) * y;
  }
  return out;
}

/** RGBA pixels as three channels R, G, B in [lo, hi], composited over white like `grayFromRgba`. */
export function rgbFromRgba(
  rgba: ArrayLike<number>,
  width: number,
  height: number,
  lo = 0,
  hi = 1,
): Matrix[] {
  return [0, 1, 2].map((ch) => {
    const out = zeros(height, width);
    for (let i = 0; i < width * height; i++) {
      const a = rgba[i * 4 + 3] / 255;
      out.data[i] = lo + (hi - lo) * ((rgba[i * 4 + ch] / 255) * a + (1 - a));
    }
    return out;
  });
}

/** The size an image of w×h gets when fitted within maxSide×maxSide, never upscaled. */
export function fitSize(width: number, height: number, maxSide: number): { rows: number; cols: number } {
  const scale = Math.min(1, maxSide / Math.max(width, height));
  return {
    rows: Math.max(1, Math.round(height * scale)),
    cols: Math.max(1, Math.round(width * scale)),
  };
}

/** The smallest and largest value (0, 0 for an empty grid). */
export function extent(m: Matrix): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (const v of m.data) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return m.data.length ? { min, max } : { min: 0, max: 0 };
}

/** A width and height in CSS pixels. */
export interface Box {
  readonly width: number;
  readonly height: number;
}

/**
 * The cell size (CSS px) that fits rows×cols into `box`: whole pixels when cells are
 * big enough to look crisp, quarter pixels below that; at least `min` (the grid then
 * scrolls) and at most `max`. Before the box is measured (zero size), 24 within those bounds.
 */
export function fitCell(box: Box, rows: number, cols: number, min = 2, max = 48): number {
  if (box.width <= 0 || box.height <= 0) return Math.max(min, Math.min(max, 24));
  const raw = Math.min(box.width / cols, box.height / rows);
  const snapped = raw >= 8 ? Math.floor(raw) : Math.floor(raw * 4) / 4;
  return Math.max(min, Math.min(max, snapped));
}
