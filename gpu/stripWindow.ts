/**
 * Code generation shared by the barrier-free "strip" programs (corr2dStripProgram,
 * trainStripPartialsProgram); not a program on its own.
 *
 * Each thread owns one output column and a run of consecutive output rows. It keeps the
 * kh×kw image window in registers and slides it down one row per output, so an output
 * costs kw loads instead of kh·kw. The row loop is unrolled by kh: register slot
 * `(u + a) % kh` holds window row a of unrolled row u, so the slots rotate back to the
 * same names every kh rows and no register moves are needed.
 *
 * Why no workgroup memory: SwiftShader (the only adapter on CPU-only machines) runs a
 * workgroup that contains a barrier as coroutines and switches between all of them at
 * every barrier; without barriers it runs the invocations straight through. On real
 * GPUs adjacent threads read adjacent columns, so every load is coalesced and the
 * window rows are shared through the cache.
 */

import type { Activation, Mode } from '#core/types';

/** What a forward or training-partials program computes: output size, kernel size, mode and activation. */
export interface ConvSpec {
  readonly outRows: number;
  readonly outCols: number;
  readonly kh: number;
  readonly kw: number;
  readonly mode: Mode;
  readonly activation: Activation;
}

/** Threads per workgroup, all along x (one output column each). */
export const STRIP_WIDTH = 64;
/** Largest kernel (kh·kw) kept in registers; bigger kernels use the tiled programs. */
export const STRIP_MAX_TAPS = 121;

export function fitsStrip(kh: number, kw: number): boolean {
  return kh * kw <= STRIP_MAX_TAPS;
}

/** `name(a, b)` of the window register that holds image row r + a, column col + b. */
export type WindowRef = (a: number, b: number) => string;

/**
 * The start of a strip program's main(): image and output sizes, this thread's output
 * column `outCol` and the column it loads from, `col`, clamped into the output (threads
 * past the edge compute a stand-in and discard it: no early return, whose divergent exit
 * costs masked code on SwiftShader), and its rows [rowBegin, rowEnd).
 */
export function stripPrologueWgsl(outShape: string, rowsPerThread: string): string {
  return `let imgRows = uniforms.imgShape.x;
    let imgCols = uniforms.imgShape.y;
    let outRows = ${outShape}.x;
    let outCols = ${outShape}.y;
    let outCol = i32(globalId.x);
    let col = min(outCol, outCols - 1);
    let rowBegin = i32(workgroupId.y) * ${rowsPerThread};
    let rowEnd = min(rowBegin + ${rowsPerThread}, outRows);`;
}

/** The stored index of slid tap e: convolve flips both axes, i.e. reverses the flat order. */
export function storedTap(mode: Mode, kernelSize: number, e: number): number {
  return mode === 'convolve' ? kernelSize - 1 - e : e;
}

/**
 * The row loop over output rows [rowBegin, rowEnd) of column `col`. Expects `img`,
 * `imgRows`, `imgCols`, `col`, `rowBegin` and `rowEnd` (i32) in scope. `body(r, x)` emits
 * the WGSL for output row `r` given the window.
 *
 * The body is branch-free: the last block of kh rows may run past rowEnd (and `col` may be
 * a clamped stand-in for a column past the edge), so every load row is clamped into the
 * image and the body must discard rows ≥ rowEnd itself (mask or guarded store). Branches
 * around the body would cost SwiftShader, which runs 4 invocations as SIMD lanes, a
 * masked select for every register the branch updates.
 */
export function stripLoopWgsl(kh: number, kw: number, body: (r: string, x: WindowRef) => string): string {
  const slot = (s: number, b: number) => `x${s}_${b}`;
  const loadRow = (s: number, row: string): string => {
    const loads = Array.from({ length: kw }, (_, b) => `${slot(s, b)} = img[base + ${b}];`).join(' ');
    return `{ let base = min(${row}, imgRows - 1) * imgCols + col; ${loads} }`;
  };
  const lines: string[] = [];
  for (let s = 0; s < kh; s++)
    lines.push(Array.from({ length: kw }, (_, b) => `var ${slot(s, b)} = 0.0;`).join(' '));
  for (let s = 0; s < kh - 1; s++) lines.push(loadRow(s, `rowBegin + ${s}`));
  lines.push(`for (var i = rowBegin; i < rowEnd; i += ${kh}) {`);
  for (let u = 0; u < kh; u++) {
    lines.push(`{ let r = i + ${u};`);
    lines.push(loadRow((u + kh - 1) % kh, `r + ${kh - 1}`));
    lines.push(body('r', (a, b) => slot((u + a) % kh, b)));
    lines.push('}');
  }
  lines.push('}');
  return lines.join('\n    ');
}

/** `let w{a}_{b} = <source>[<index>];` for every tap, in slid order. */
export function weightRegistersWgsl(kh: number, kw: number, load: (slid: number) => string): string {
  const lines: string[] = [];
  for (let a = 0; a < kh; a++)
    for (let b = 0; b < kw; b++) lines.push(`let w${a}_${b} = ${load(a * kw + b)};`);
  return lines.join('\n    ');
}

/** `acc += x(a, b) * w{a}_{b};` for every tap: the forward sum for one output. */
export function windowDotWgsl(kh: number, kw: number, x: WindowRef, acc: string): string {
  const lines: string[] = [];
  for (let a = 0; a < kh; a++) for (let b = 0; b < kw; b++) lines.push(`${acc} += ${x(a, b)} * w${a}_${b};`);
  return lines.join(' ');
}
