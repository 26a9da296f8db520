/**
 * A dense, row-major 2-D grid of float32 values: the one currency of the core.
 * Float32 because that is what the GPU computes in and what the grids store;
 * CPU kernels still accumulate in float64 (JS numbers).
 */
export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float32Array;
}

/** Makes a zero-filled matrix. */
export function zeros(rows: number, cols: number): Matrix {
  return { rows, cols, data: new Float32Array(rows * cols) };
}

/** Builds a matrix from nested arrays without validation (see `validate.ts` for user input). */
export function fromRows(rows: readonly (readonly number[])[]): Matrix {
  const r = rows.length;
  const c = r === 0 ? 0 : rows[0].length;
  const data = new Float32Array(r * c);
  for (let i = 0; i < r; i++) data.set(rows[i], i * c);
  return { rows: r, cols: c, data };
}

/** Converts to nested arrays of plain numbers (for JSON, display and tests). */
export function toRows(m: Matrix): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < m.rows; i++) out.push(Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
  return out;
}

export function get(m: Matrix, r: number, c: number): number {
  return m.data[r * m.cols + c];
}

export function clone(m: Matrix): Matrix {
  return { rows: m.rows, cols: m.cols, data: new Float32Array(m.data) };
}

/** Flips a matrix in both axes: what true convolution slides over the image. */
export function flip2d(m: Matrix): Matrix {
  const out = new Float32Array(m.data.length);
  const n = m.data.length;
  for (let i = 0; i < n; i++) out[i] = m.data[n - 1 - i];
  return { rows: m.rows, cols: m.cols, data: out };
}

export function transpose(m: Matrix): Matrix {
  const out = new Float32Array(m.data.length);
  for (let r = 0; r < m.rows; r++)
    for (let c = 0; c < m.cols; c++) out[c * m.rows + r] = m.data[r * m.cols + c];
  return { rows: m.cols, cols: m.rows, data: out };
}
