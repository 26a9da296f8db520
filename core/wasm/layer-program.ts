/**
 * A Conv2D layer with unit stride as a WebAssembly SIMD program, in two specializations: the
 * forward pass (`forward`: act(X ⋆ W + b) in float32, four lanes per vector, as PyTorch's fp32
 * conv2d computes it; within the golden tolerance of `forwardLayerCpu`'s float64 sums in
 * core/cpu/layer.ts) and the fused training evaluation (`train`: forward pass, residual, loss,
 * ∂L/∂W and ∂L/∂b in one sweep over each output channel's rows), which accumulates in float64
 * (two lanes per vector) with the same arithmetic as the CPU reference (`layerLossAndGradsCpu`
 * and `lossAndGradsCpu` in core/cpu/step.ts for one channel) up to summation order. C input and O output channels, any dilation; X comes
 * already zero-padded, so padding is just a larger X. The program is specialized for one
 * problem's shape: its key names every constant baked into it.
 *
 * Memory (byte offsets in `layout`): X's channels (float32 for `forward`, float64 for `train`) with
 * rows padded to `xStride` (zeros beyond the image) and one spare row; for `forward` the output in
 * float32 with rows padded to `oStride`; for `train` Y in float64 with rows padded to `oStride`, a lane mask per
 * output column (all ones below the output width, zero in the padding), the residual row and the
 * weights' gradient; then the slid weights (O×C×kh×kw) and the biases (in X's float type) and, for
 * `train`, Σ d per output channel. Output columns are computed in blocks of BLOCK values
 * (FORWARD_BLOCK for `forward`), so padded columns are
 * computed too: the forward pass leaves them in the padding, training masks them out.
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
/** Output columns per forward block: two f32x4 accumulators. */
export const FORWARD_BLOCK = 8;
/** Output channels per forward group: each X window read serves this many (8 accumulators). */
export const FORWARD_GROUP = 4;
const F64 = 8;
const F32 = 4;
const PAGE = 65536;

/** The most memory a program lays out: addresses stay well inside i32 and every engine's wasm32 limit. */
export const MAX_BYTES = 2 ** 31;

export type LayerPurpose = 'forward' | 'train';

export interface LayerShape {
  readonly purpose: LayerPurpose;
  readonly inChannels: number;
  readonly outChannels: number;
  /** X as padded. */
  readonly xRows: number;
  readonly xCols: number;
  readonly kh: number;
  readonly kw: number;
  /** Dilation (rows, cols); the stride is 1. */
  readonly dh: number;
  readonly dw: number;
  readonly relu: boolean;
  /**
   * Whether the memory is imported, shared by threads that each run a band of output rows
   * (forward only), rather than the module's own.
   */
  readonly shared?: boolean;
}

export interface LayerLayout extends LayerShape {
  readonly oh: number;
  readonly ow: number;
  /** Floats per stored X row and per stored output row. */
  readonly xStride: number;
  readonly oStride: number;
  /** Byte offsets (-1: not in this specialization). */
  readonly x: number;
  /** Float32 output (forward). */
  readonly out: number;
  readonly y: number;
  readonly mask: number;
  readonly d: number;
  readonly w: number;
  readonly g: number;
  readonly bias: number;
  /** ∂L/∂b per output channel before scaling (Σ of the residuals that pass the activation). */
  readonly sumD: number;
  readonly bytes: number;
  readonly pages: number;
}

/** The key naming every specialization of the program (like a WGSL program's shaderKey). */
export function layerKey(s: LayerShape): string {
  return [
    `wasm-layer-${s.purpose}-${s.purpose === 'forward' ? 'f32x4' : 'f64x2'}`,
    `c${s.inChannels}o${s.outChannels}`,
    `k${s.kh}x${s.kw}`,
    `d${s.dh}x${s.dw}`,
    `x${s.xRows}x${s.xCols}`,
    s.relu ? 'relu' : 'linear',
    `b${blockOf(s.purpose)}`,
    ...(s.purpose === 'forward' ? [`g${FORWARD_GROUP}`] : []),
    s.shared ? 'shared' : 'own',
  ].join('-');
}

/** Output columns per block of `purpose`'s program. */
export function blockOf(purpose: LayerPurpose): number {
  return purpose === 'forward' ? FORWARD_BLOCK : BLOCK;
}

export function layerLayout(s: LayerShape): LayerLayout {
  const oh = s.xRows - (s.kh - 1) * s.dh;
  const ow = s.xCols - (s.kw - 1) * s.dw;
  const block = blockOf(s.purpose);
  const oStride = Math.ceil(ow / block) * block;
  // Wide enough that a padded block's taps stay inside their row.
  const xStride = Math.max(s.xCols, oStride + (s.kw - 1) * s.dw);
  const weights = s.outChannels * s.inChannels * s.kh * s.kw;
  let at = 0;
  const take = (floats: number, size: number): number => {
    const start = at;
    at += Math.ceil((floats * size) / 16) * 16;
    return start;
  };
  // One spare row after the last channel: a padded block of its last row may read into it.
  const train = s.purpose === 'train';
  const elem = train ? F64 : F32;
  const x = take((s.inChannels * s.xRows + 1) * xStride, elem);
  const out = train ? -1 : take(s.outChannels * oh * oStride, F32);
  const y = train ? take(s.outChannels * oh * oStride, F64) : -1;
  const mask = train ? take(oStride, F64) : -1;
  const d = train ? take(oStride, F64) : -1;
  const g = train ? take(weights, F64) : -1;
  const w = take(weights, elem);
  const bias = take(s.outChannels, elem);
  const sumD = train ? take(s.outChannels, F64) : -1;
  return {
    ...s,
    oh,
    ow,
    xStride,
    oStride,
    x,
    out,
    y,
    mask,
    d,
    w,
    g,
    bias,
    sumD,
    bytes: at,
    pages: Math.ceil(at / PAGE),
  };
}

/**
 * The functions of `l`'s module: `run` (below) and, for `forward`, `finite` and `place`, which
 * take X copied in as it is (C×H×W floats from X's offset on, one typed-array copy) to the
 * padded layout `run` reads.
 */
export function layerFunctions(l: LayerLayout): FunctionDef[] {
  return l.purpose === 'forward' ? [layerProgram(l), finiteProgram(l), placeProgram(l)] : [layerProgram(l)];
}

/**
 * `finite(end) -> i32`: 1 where some float32 from X's offset up to byte address `end` (a whole
 * number of vectors past it) is NaN or ±Infinity. For a finite v, v − v is +0 (no bit set);
 * otherwise it is NaN, so OR-ing every v − v leaves a bit set exactly when some value is not finite.
 */
function finiteProgram(l: LayerLayout): FunctionDef {
  const c = new Code(['i32']);
  const end = c.param(0);
  const p = c.local('i32');
  const v = c.local('v128');
  const acc = c.local('v128');
  c.f64(0).f64x2Splat().set(acc);
  c.i32(l.x).set(p);
  c.loop(() => {
    c.get(p).v128Load().tee(v).get(v).f32x4Sub().get(acc).or().set(acc);
    c.get(p).i32(16).i32Add().tee(p).get(end).i32LtU();
  });
  c.get(acc).anyTrue();
  return { name: 'finite', params: ['i32'], results: ['i32'], code: c };
}

/**
 * `place(cols, ph, pw)`: moves X's C×H×W floats (H = xRows − 2·ph, W = cols), copied in
 * contiguously from X's offset, to rows `xStride` floats apart with `ph` zero rows above and
 * below each channel and `pw` zeros left and right of each row. Rows move last first: each
 * row's place is at or after where it was copied and past every row before it, so no row is
 * overwritten before it moves. What lies right of the padded width is never read for an output
 * that is kept.
 */
function placeProgram(l: LayerLayout): FunctionDef {
  const c = new Code(['i32', 'i32', 'i32']);
  const cols = c.param(0);
  const ph = c.param(1);
  const pw = c.param(2);
  const rows = c.local('i32');
  const rowBytes = c.local('i32');
  const padBytes = c.local('i32');
  const k = c.local('i32');
  const ch = c.local('i32');
  const dst = c.local('i32');
  const xRowBytes = l.xStride * F32;
  c.i32(l.xRows).get(ph).get(ph).i32Add().i32Sub().set(rows);
  c.get(cols).i32(F32).i32Mul().set(rowBytes);
  c.get(pw).i32(F32).i32Mul().set(padBytes);
  c.get(rows).i32(l.inChannels).i32Mul().set(k);
  c.loop(() => {
    c.get(k).i32(1).i32Sub().set(k);
    // dst = x + ((ch·xRows + i + ph)·xStride + pw)·4 for row k = ch·rows + i.
    c.get(k).get(rows).i32DivU().i32(l.xRows).i32Mul();
    c.get(k).get(rows).i32RemU().i32Add().get(ph).i32Add().i32(xRowBytes).i32Mul();
    c.get(padBytes).i32Add().i32(l.x).i32Add().set(dst);
    c.get(dst).get(k).get(rowBytes).i32Mul().i32(l.x).i32Add().get(rowBytes).memoryCopy();
    c.get(dst).get(padBytes).i32Sub().i32(0).get(padBytes).memoryFill();
    c.get(dst).get(rowBytes).i32Add().i32(0).get(padBytes).memoryFill();
    c.get(k);
  });
  c.i32(0).set(ch);
  c.loop(() => {
    // The ph rows above channel ch and the ph rows below it.
    c.get(ch)
      .i32(l.xRows * xRowBytes)
      .i32Mul()
      .i32(l.x)
      .i32Add();
    c.i32(0).get(ph).i32(xRowBytes).i32Mul().memoryFill();
    c.get(ch)
      .i32(1)
      .i32Add()
      .i32(l.xRows)
      .i32Mul()
      .get(ph)
      .i32Sub()
      .i32(xRowBytes)
      .i32Mul()
      .i32(l.x)
      .i32Add();
    c.i32(0).get(ph).i32(xRowBytes).i32Mul().memoryFill();
    c.stepLt(ch, 1, l.inChannels);
  });
  return { name: 'place', params: ['i32', 'i32', 'i32'], results: [], code: c };
}

/**
 * `run` with the slid weights at `w` and the biases at `bias`. `forward` is `run(row0, row1) ->
 * f64`: it writes act(z) of output rows [row0, row1) of every channel as float32 to `out` and
 * returns 0 (`forwardProgram`; threads sharing a memory each run a band of rows). `train` is `run() -> f64`: it adds Σ_out r·X-window
 * (unscaled) into `g` (zeroed by the caller), writes Σ d per output channel to `sumD`, and returns
 * Σ r² (r = act(z) − y, d = r where the activation passes, as in the reference).
 */
export function layerProgram(l: LayerLayout): FunctionDef {
  if (l.purpose === 'forward') return forwardProgram(l);
  const c = new Code([]);
  const o = c.local('i32'); // output channel
  const yRow = c.local('i32'); // byte address of output row i of channel o in Y
  const xRow = c.local('i32'); // byte address of X's row i in channel 0
  const col = c.local('i32'); // byte offset of the block within an output row
  const p = c.local('i32');
  const pw = c.local('i32');
  const wo = c.local('i32'); // channel o's weights (and, offset by g − w, their gradient)
  const ch = c.local('i32');
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
  const tapRowBytes = l.dh * xRowBytes;
  // From the row after a channel's last kernel row to the same row in the next channel.
  const nextChannel = (l.xRows - l.kh * l.dh) * xRowBytes;
  const weightsPerOut = l.inChannels * l.kh * kRowBytes;
  const gMinusW = l.g - l.w;

  /** For every input channel and kernel row: `body`, then p and pw move to the next kernel row. */
  const kernelRows = (body: () => void): void => {
    c.i32(0).set(ch);
    c.loop(() => {
      c.i32(0).set(a);
      c.loop(() => {
        body();
        c.bump(p, tapRowBytes).bump(pw, kRowBytes);
        c.stepLt(a, 1, l.kh);
      });
      c.bump(p, nextChannel);
      c.stepLt(ch, 1, l.inChannels);
    });
  };

  c.f64(0).f64x2Splat().tee(zeroV).set(lossV);
  c.i32(0).set(o);
  c.i32(l.y).set(yRow);
  c.i32(l.w).set(wo);
  c.loop(() => {
    c.get(o).f64Splat(l.bias).set(biasV);
    c.get(zeroV).set(sumV);
    c.i32(l.x).set(xRow);
    c.loop(() => {
      // Forward and residual, BLOCK output columns at a time.
      c.i32(0).set(col);
      c.loop(() => {
        for (const v of acc) c.get(biasV).set(v);
        c.get(xRow).get(col).i32Add().set(p);
        c.get(wo).set(pw);
        kernelRows(() => {
          for (let b = 0; b < l.kw; b++) {
            const wv = r; // r is free here: the tap's weight in both lanes
            c.get(pw)
              .f64Splat(b * F64)
              .set(wv);
            acc.forEach((v, k) => {
              c.get(v)
                .get(p)
                .v128Load((2 * k + b * l.dw) * F64)
                .get(wv)
                .f64x2Mul()
                .f64x2Add()
                .set(v);
            });
          }
        });
        acc.forEach((z, k) => {
          const off = k * 16;
          // With ReLU, `le` marks the lanes it zeroes (z ≤ 0; NaN passes, as in the reference).
          if (l.relu) c.get(z).get(zeroV).f64x2Le().set(le);
          // r = act(z) − y, masked to the output width.
          c.get(z);
          if (l.relu) c.get(le).andnot();
          c.get(yRow).get(col).i32Add().v128Load(off).f64x2Sub();
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
      {
        // ∂L/∂W: each kernel row's taps as dot products of the residual row with shifted X rows.
        c.get(xRow).set(p);
        c.get(wo).i32(gMinusW).i32Add().set(pw);
        kernelRows(() => {
          for (const v of sums) c.get(zeroV).set(v);
          c.i32(0).set(col);
          c.loop(() => {
            c.i32(l.d).get(col).i32Add().v128Load().set(r);
            sums.forEach((v, b) => {
              c.get(v)
                .get(p)
                .get(col)
                .i32Add()
                .v128Load(b * l.dw * F64)
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
        });
      }
      c.bump(xRow, xRowBytes);
      c.bump(yRow, oRowBytes);
      c.get(xRow)
        .i32(l.x + l.oh * xRowBytes)
        .i32LtU();
    });
    c.get(o).i32(l.sumD).i32Add().laneSum(sumV).f64Store();
    c.bump(wo, weightsPerOut);
    c.stepLt(o, F64, l.outChannels * F64);
  });
  c.laneSum(lossV);
  return { name: 'run', params: [], results: ['f64'], code: c };
}

/**
 * The forward pass in float32, for output channels in groups of up to FORWARD_GROUP: for each
 * group, row and block of FORWARD_BLOCK columns, two f32x4 accumulators per channel of the group
 * start at its bias and add every tap (input channel, kernel row, kernel column): X is loaded once
 * per tap (one unaligned load per vector) and multiplied by each channel's weight in all lanes, so
 * a window read serves the whole group. Then act(z) (ReLU as the TypeScript pass: z > 0 ? z : 0,
 * NaN gives 0) is stored to `out`. Each output sums its taps in the same order in any group.
 */
function forwardProgram(l: LayerLayout): FunctionDef {
  const c = new Code(['i32', 'i32']);
  const row0 = c.param(0); // the band's first output row
  const row1 = c.param(1); // one past its last
  const xStart = c.local('i32'); // byte address of X's row row0 in channel 0
  const xEnd = c.local('i32'); // … and of row row1
  const outStart = c.local('i32'); // byte address of output row row0 of the group's first channel
  const o = c.local('i32'); // the group's first output channel, in bytes of its bias
  const outRow = c.local('i32'); // byte address of output row i of channel o
  const xRow = c.local('i32'); // byte address of X's row i in channel 0
  const col = c.local('i32'); // byte offset of the block within a row
  const p = c.local('i32');
  const pw = c.local('i32');
  const wo = c.local('i32'); // channel o's weights
  const ch = c.local('i32');
  const a = c.local('i32');
  const zeroV = c.local('v128');
  const wv = c.local('v128');
  const vecs = FORWARD_BLOCK / 4;
  const xv = Array.from({ length: vecs }, () => c.local('v128'));
  const acc = Array.from({ length: FORWARD_GROUP }, () =>
    Array.from({ length: vecs }, () => c.local('v128')),
  );
  const xRowBytes = l.xStride * F32;
  const kRowBytes = l.kw * F32;
  const tapRowBytes = l.dh * xRowBytes;
  const nextChannel = (l.xRows - l.kh * l.dh) * xRowBytes;
  const weightsPerOut = l.inChannels * l.kh * kRowBytes;
  const channelBytes = l.oh * l.oStride * F32;

  /** `count` groups of `g` output channels, from the current o, outRow and wo on. */
  const groups = (g: number, count: number): void => {
    if (count < 1 || g < 1) return;
    const first = c.local('i32');
    c.i32(0).set(first);
    c.loop(() => {
      c.get(xStart).set(xRow);
      c.get(outStart).set(outRow);
      c.loop(() => {
        c.i32(0).set(col);
        c.loop(() => {
          for (let j = 0; j < g; j++)
            for (const v of acc[j])
              c.get(o)
                .f32Splat(l.bias + j * F32)
                .set(v);
          c.get(xRow).get(col).i32Add().set(p);
          c.get(wo).set(pw);
          c.i32(0).set(ch);
          c.loop(() => {
            c.i32(0).set(a);
            c.loop(() => {
              for (let b = 0; b < l.kw; b++) {
                xv.forEach((v, k) => {
                  c.get(p)
                    .v128Load((4 * k + b * l.dw) * F32)
                    .set(v);
                });
                for (let j = 0; j < g; j++) {
                  c.get(pw)
                    .f32Splat(b * F32 + j * weightsPerOut)
                    .set(wv);
                  acc[j].forEach((v, k) => {
                    c.get(v).get(xv[k]).get(wv).f32x4Mul().f32x4Add().set(v);
                  });
                }
              }
              c.bump(p, tapRowBytes).bump(pw, kRowBytes);
              c.stepLt(a, 1, l.kh);
            });
            c.bump(p, nextChannel);
            c.stepLt(ch, 1, l.inChannels);
          });
          for (let j = 0; j < g; j++)
            acc[j].forEach((z, k) => {
              c.get(outRow).get(col).i32Add().get(z);
              if (l.relu) c.get(z).get(zeroV).f32x4Gt().and();
              c.v128Store(k * 16 + j * channelBytes);
            });
          c.stepLt(col, FORWARD_BLOCK * F32, l.oStride * F32);
        });
        c.bump(xRow, xRowBytes);
        c.bump(outRow, l.oStride * F32);
        c.get(xRow).get(xEnd).i32LtU();
      });
      c.bump(outStart, g * channelBytes);
      c.bump(wo, g * weightsPerOut);
      c.bump(o, g * F32);
      c.stepLt(first, 1, count);
    });
  };

  c.f64(0).f64x2Splat().set(zeroV);
  c.get(row0).i32(xRowBytes).i32Mul().i32(l.x).i32Add().set(xStart);
  c.get(row1).i32(xRowBytes).i32Mul().i32(l.x).i32Add().set(xEnd);
  c.get(row0)
    .i32(l.oStride * F32)
    .i32Mul()
    .i32(l.out)
    .i32Add()
    .set(outStart);
  c.i32(0).set(o);
  c.i32(l.w).set(wo);
  groups(FORWARD_GROUP, Math.floor(l.outChannels / FORWARD_GROUP));
  groups(l.outChannels % FORWARD_GROUP, 1);
  c.f64(0);
  return { name: 'run', params: ['i32', 'i32'], results: ['f64'], code: c };
}
