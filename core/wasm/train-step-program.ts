/**
 * The fused single-channel training evaluation as a WebAssembly SIMD program: forward pass,
 * residual, loss and ∂L/∂K in one sweep over the output rows, in float64 (two lanes per
 * vector), with the same arithmetic as the CPU reference `lossAndGradsCpu` (core/cpu/step.ts)
 * up to summation order. The program is specialized for one problem's shape: its key names
 * every constant baked into it.
 *
 * Memory (float64, byte offsets in `layout`): X with rows padded to `xStride` (zeros beyond
 * the image), Y with rows padded to `oStride`, a lane mask per output column (all ones below
 * the output width, zero in the padding), the residual row, the slid kernel and its gradient.
 * Output columns are computed in blocks of BLOCK values, so padded columns are computed too
 * and masked out of the loss and gradients.
 */
import type { FunctionDef } from './emit';
import { Code } from './emit';

/**
 * Output columns per forward block: two f64x2 accumulators. Measured on the 2-core AMD EPYC
 * (256² 5×5, one thread): 2 accumulators 0.39–0.45 ms a step, 1: 0.43–0.48, 3: 0.45–0.50,
 * 4: 0.48–0.74; a second set of gradient accumulators was slower (0.58–0.65 ms).
 */
export const BLOCK = 4;
const VECS = BLOCK / 2;
const F64 = 8;
const PAGE = 65536;

export interface TrainStepShape {
  readonly xRows: number;
  readonly xCols: number;
  readonly kh: number;
  readonly kw: number;
  readonly relu: boolean;
}

export interface TrainStepLayout extends TrainStepShape {
  readonly oh: number;
  readonly ow: number;
  /** Floats per stored X row and per stored output row. */
  readonly xStride: number;
  readonly oStride: number;
  /** Byte offsets. */
  readonly x: number;
  readonly y: number;
  readonly mask: number;
  readonly d: number;
  readonly w: number;
  readonly g: number;
  /** ∂L/∂b before scaling (Σ of the residuals that pass the activation). */
  readonly sumD: number;
  readonly pages: number;
}

/** The key naming every specialization of the program (like a WGSL program's shaderKey). */
export function trainStepKey(s: TrainStepShape): string {
  return `wasm-train-f64x2-k${s.kh}x${s.kw}-x${s.xRows}x${s.xCols}-${s.relu ? 'relu' : 'linear'}-b${BLOCK}`;
}

export function trainStepLayout(s: TrainStepShape): TrainStepLayout {
  const oh = s.xRows - s.kh + 1;
  const ow = s.xCols - s.kw + 1;
  const oStride = Math.ceil(ow / BLOCK) * BLOCK;
  const xStride = oStride + s.kw - 1;
  let at = 0;
  const take = (floats: number): number => {
    const start = at;
    at += Math.ceil((floats * F64) / 16) * 16;
    return start;
  };
  // X gets one spare row: a padded block of the last row reads past its end.
  const x = take((s.xRows + 1) * xStride);
  const y = take(oh * oStride);
  const mask = take(oStride);
  const d = take(oStride);
  const w = take(s.kh * s.kw);
  const g = take(s.kh * s.kw);
  const sumD = take(2);
  return { ...s, oh, ow, xStride, oStride, x, y, mask, d, w, g, sumD, pages: Math.ceil(at / PAGE) };
}

/**
 * `step(bias: f64) -> f64`: with the slid kernel at `w`, writes Σ_out r·X-window
 * (unscaled) to `g`, Σ d to `sumD`, and returns Σ r² (r = act(z) − y, d = r where the
 * activation passes, as in the reference).
 */
export function trainStepProgram(l: TrainStepLayout): FunctionDef {
  const c = new Code(['f64']);
  const bias = c.param(0);
  const row = c.local('i32'); // byte offset of the output row in Y / of X's row i
  const xRow = c.local('i32');
  const col = c.local('i32'); // byte offset of the block within an output row
  const p = c.local('i32');
  const pw = c.local('i32');
  const a = c.local('i32');
  const biasV = c.local('v128');
  const lossV = c.local('v128');
  const sumV = c.local('v128');
  const zeroV = c.local('v128');
  const le = c.local('v128');
  const r = c.local('v128');
  const acc = Array.from({ length: VECS }, () => c.local('v128'));
  const sums = Array.from({ length: l.kw }, () => c.local('v128'));
  const xRowBytes = l.xStride * F64;
  const oRowBytes = l.oStride * F64;
  const kRowBytes = l.kw * F64;

  c.get(bias).f64x2Splat().set(biasV);
  c.f64(0).f64x2Splat().tee(zeroV).tee(lossV).set(sumV);
  c.i32(0).set(row);
  c.i32(l.x).set(xRow);
  c.loop(() => {
    // Forward and residual, BLOCK output columns at a time.
    c.i32(0).set(col);
    c.loop(() => {
      for (const v of acc) c.get(biasV).set(v);
      c.get(xRow).get(col).i32Add().set(p);
      c.i32(l.w).set(pw);
      c.i32(0).set(a);
      c.loop(() => {
        for (let b = 0; b < l.kw; b++) {
          const wv = r; // reuse r as the tap's splat
          c.get(pw)
            .f64Splat(b * F64)
            .set(wv);
          acc.forEach((v, k) => {
            c.get(v)
              .get(p)
              .v128Load((2 * k + b) * F64)
              .get(wv)
              .f64x2Mul()
              .f64x2Add()
              .set(v);
          });
        }
        c.bump(p, xRowBytes).bump(pw, kRowBytes);
        c.stepLt(a, 1, l.kh);
      });
      acc.forEach((z, k) => {
        const off = k * 16;
        // With ReLU, `le` marks the lanes it zeroes (z ≤ 0; NaN passes, as in the reference).
        if (l.relu) c.get(z).get(zeroV).f64x2Le().set(le);
        // r = act(z) − y, masked to the output width.
        c.get(z);
        if (l.relu) c.get(le).andnot();
        c.i32(l.y).get(row).i32Add().get(col).i32Add().v128Load(off).f64x2Sub();
        c.i32(l.mask).get(col).i32Add().v128Load(off).and().set(r);
        c.get(lossV).get(r).get(r).f64x2Mul().f64x2Add().set(lossV);
        // d = r where the activation passes.
        c.i32(l.d).get(col).i32Add().get(r);
        if (l.relu) c.get(le).andnot();
        c.tee(r).v128Store(off);
        c.get(sumV).get(r).f64x2Add().set(sumV);
      });
      c.stepLt(col, BLOCK * F64, oRowBytes);
    });
    // ∂L/∂K: each kernel row's taps as dot products of the residual row with shifted X rows.
    c.get(xRow).set(p);
    c.i32(l.g).set(pw);
    c.i32(0).set(a);
    c.loop(() => {
      for (const v of sums) c.get(zeroV).set(v);
      c.i32(0).set(col);
      c.loop(() => {
        c.i32(l.d).get(col).i32Add().v128Load().set(r);
        sums.forEach((v, b) => {
          c.get(v)
            .get(p)
            .get(col)
            .i32Add()
            .v128Load(b * F64)
            .get(r)
            .f64x2Mul()
            .f64x2Add()
            .set(v);
        });
        c.stepLt(col, 16, oRowBytes);
      });
      sums.forEach((v, b) => {
        c.get(pw)
          .get(pw)
          .f64Load(b * F64)
          .laneSum(v)
          .f64Add()
          .f64Store(b * F64);
      });
      c.bump(p, xRowBytes).bump(pw, kRowBytes);
      c.stepLt(a, 1, l.kh);
    });
    c.bump(xRow, xRowBytes);
    c.stepLt(row, oRowBytes, l.oh * oRowBytes);
  });
  c.i32(l.sumD).laneSum(sumV).f64Store();
  c.laneSum(lossV);
  return { name: 'step', params: ['f64'], results: ['f64'], code: c };
}
