/**
 * Row primitives behind the CPU kernels. Both walk memory strictly sequentially and keep a
 * few kernel taps in locals, which is what V8's optimizing compiler turns into tight
 * scalar loops: one kernel row is applied in chunks of up to four taps, so each pass over
 * the accumulator does up to four multiply-adds per load/store instead of one.
 */

/**
 * acc[j] += Σ_b w[wOff+b] · x[xOff+b+j] for j < n, b < kw: one kernel row of a correlation
 * added into a float64 output-row accumulator.
 */
export function addKernelRow(
  acc: Float64Array,
  x: Float32Array,
  xOff: number,
  w: Float64Array,
  wOff: number,
  kw: number,
  n: number,
): void {
  let b = 0;
  for (; b + 4 <= kw; b += 4) {
    const o = xOff + b;
    const w0 = w[wOff + b];
    const w1 = w[wOff + b + 1];
    const w2 = w[wOff + b + 2];
    const w3 = w[wOff + b + 3];
    for (let j = 0; j < n; j++)
      acc[j] += w0 * x[o + j] + w1 * x[o + j + 1] + w2 * x[o + j + 2] + w3 * x[o + j + 3];
  }
  const rest = kw - b;
  const o = xOff + b;
  if (rest === 3) {
    const w0 = w[wOff + b];
    const w1 = w[wOff + b + 1];
    const w2 = w[wOff + b + 2];
    for (let j = 0; j < n; j++) acc[j] += w0 * x[o + j] + w1 * x[o + j + 1] + w2 * x[o + j + 2];
  } else if (rest === 2) {
    const w0 = w[wOff + b];
    const w1 = w[wOff + b + 1];
    for (let j = 0; j < n; j++) acc[j] += w0 * x[o + j] + w1 * x[o + j + 1];
  } else if (rest === 1) {
    const w0 = w[wOff + b];
    for (let j = 0; j < n; j++) acc[j] += w0 * x[o + j];
  }
}

/**
 * g[gOff+b] += Σ_j d[j] · x[xOff+b+j] for b < kw, j < n: the filter gradient of one kernel
 * row as dot products of a residual row with shifted image rows, four taps per pass.
 */
export function addGradRow(
  g: Float64Array,
  gOff: number,
  d: Float64Array,
  x: Float32Array,
  xOff: number,
  kw: number,
  n: number,
): void {
  let b = 0;
  for (; b + 4 <= kw; b += 4) {
    const o = xOff + b;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let j = 0; j < n; j++) {
      const dj = d[j];
      s0 += dj * x[o + j];
      s1 += dj * x[o + j + 1];
      s2 += dj * x[o + j + 2];
      s3 += dj * x[o + j + 3];
    }
    g[gOff + b] += s0;
    g[gOff + b + 1] += s1;
    g[gOff + b + 2] += s2;
    g[gOff + b + 3] += s3;
  }
  for (; b < kw; b++) {
    const o = xOff + b;
    let s = 0;
    for (let j = 0; j < n; j++) s += d[j] * x[o + j];
    g[gOff + b] += s;
  }
}
