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
 * A whole 3×3 correlation, biased and activated, into `out` (oh×ow):
 * out[i·ow+j] = act(bias + Σ_{a,b<3} w[3a+b] · x[(i+a)·cols+b+j]).
 * 3×3 is the commonest kernel (blur, Sobel, Laplacian, sharpen). With all nine taps in
 * locals each output is summed in a register and stored once, about twice as fast as three
 * addKernelRow passes over an accumulator; the sum runs in the same order (bias, then
 * row by row), so the result is the same to the last bit.
 */
export function correlate3x3Into(
  out: Float32Array,
  x: Float32Array,
  cols: number,
  oh: number,
  w: Float64Array,
  bias: number,
  relu: boolean,
): void {
  // Plain indexed loads: destructuring a typed array goes through its iterator.
  const w0 = w[0];
  const w1 = w[1];
  const w2 = w[2];
  const w3 = w[3];
  const w4 = w[4];
  const w5 = w[5];
  const w6 = w[6];
  const w7 = w[7];
  const w8 = w[8];
  const ow = cols - 2;
  for (let i = 0; i < oh; i++) {
    const o0 = i * cols;
    const o1 = o0 + cols;
    const o2 = o1 + cols;
    const r = i * ow;
    for (let j = 0; j < ow; j++) {
      let s = bias;
      s += w0 * x[o0 + j] + w1 * x[o0 + j + 1] + w2 * x[o0 + j + 2];
      s += w3 * x[o1 + j] + w4 * x[o1 + j + 1] + w5 * x[o1 + j + 2];
      s += w6 * x[o2 + j] + w7 * x[o2 + j + 1] + w8 * x[o2 + j + 2];
      out[r + j] = s;
    }
  }
  // ReLU on the stored values: float32 rounding keeps the sign, so this equals relu-then-round.
  if (relu) for (let p = 0; p < oh * ow; p++) if (!(out[p] > 0)) out[p] = 0;
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

/**
 * acc[j] += Σ_b w[wOff+b] · x[xOff + b·dw + j·sw] for j < n, b < kw: one kernel row with a
 * column stride and dilation (the dense case, sw = dw = 1, is addKernelRow's).
 */
export function addKernelRowStrided(
  acc: Float64Array,
  x: Float32Array,
  xOff: number,
  w: Float64Array,
  wOff: number,
  kw: number,
  n: number,
  sw: number,
  dw: number,
): void {
  for (let b = 0; b < kw; b++) {
    const wb = w[wOff + b];
    const o = xOff + b * dw;
    for (let j = 0; j < n; j++) acc[j] += wb * x[o + j * sw];
  }
}

/** g[gOff+b] += Σ_j d[j] · x[xOff + b·dw + j·sw]: addGradRow with a column stride and dilation. */
export function addGradRowStrided(
  g: Float64Array,
  gOff: number,
  d: Float64Array,
  x: Float32Array,
  xOff: number,
  kw: number,
  n: number,
  sw: number,
  dw: number,
): void {
  for (let b = 0; b < kw; b++) {
    const o = xOff + b * dw;
    let s = 0;
    for (let j = 0; j < n; j++) s += d[j] * x[o + j * sw];
    g[gOff + b] += s;
  }
}

/**
 * acc[j] += Σ_{a,b<3} w[wOff+3a+b] · x[xOff + a·rowStep + b + j] for j < n: a whole 3×3 kernel
 * (dense columns, rows `rowStep` apart) in one pass, nine taps in locals, so the accumulator
 * is loaded and stored once per output instead of three times. Used per input channel by the
 * layer path, whose commonest kernel is 3×3.
 */
export function addKernel3x3(
  acc: Float64Array,
  x: Float32Array,
  xOff: number,
  rowStep: number,
  w: Float64Array,
  wOff: number,
  n: number,
): void {
  const w0 = w[wOff];
  const w1 = w[wOff + 1];
  const w2 = w[wOff + 2];
  const w3 = w[wOff + 3];
  const w4 = w[wOff + 4];
  const w5 = w[wOff + 5];
  const w6 = w[wOff + 6];
  const w7 = w[wOff + 7];
  const w8 = w[wOff + 8];
  const o0 = xOff;
  const o1 = xOff + rowStep;
  const o2 = o1 + rowStep;
  for (let j = 0; j < n; j++) {
    let s = acc[j];
    s += w0 * x[o0 + j] + w1 * x[o0 + j + 1] + w2 * x[o0 + j + 2];
    s += w3 * x[o1 + j] + w4 * x[o1 + j + 1] + w5 * x[o1 + j + 2];
    s += w6 * x[o2 + j] + w7 * x[o2 + j + 1] + w8 * x[o2 + j + 2];
    acc[j] = s;
  }
}

/** g[gOff+3a+b] += Σ_j d[j] · x[xOff + a·rowStep + b + j]: a whole 3×3 filter gradient in one pass. */
export function addGrad3x3(
  g: Float64Array,
  gOff: number,
  d: Float64Array,
  x: Float32Array,
  xOff: number,
  rowStep: number,
  n: number,
): void {
  const o0 = xOff;
  const o1 = xOff + rowStep;
  const o2 = o1 + rowStep;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let s4 = 0;
  let s5 = 0;
  let s6 = 0;
  let s7 = 0;
  let s8 = 0;
  for (let j = 0; j < n; j++) {
    const dj = d[j];
    s0 += dj * x[o0 + j];
    s1 += dj * x[o0 + j + 1];
    s2 += dj * x[o0 + j + 2];
    s3 += dj * x[o1 + j];
    s4 += dj * x[o1 + j + 1];
    s5 += dj * x[o1 + j + 2];
    s6 += dj * x[o2 + j];
    s7 += dj * x[o2 + j + 1];
    s8 += dj * x[o2 + j + 2];
  }
  g[gOff] += s0;
  g[gOff + 1] += s1;
  g[gOff + 2] += s2;
  g[gOff + 3] += s3;
  g[gOff + 4] += s4;
  g[gOff + 5] += s5;
  g[gOff + 6] += s6;
  g[gOff + 7] += s7;
  g[gOff + 8] += s8;
}
