/**
 * A Conv2D layer with unit stride as a WebAssembly SIMD program in float32, four lanes per
 * vector, as PyTorch's fp32 conv2d computes it, in two specializations: the forward pass
 * (`forward`: act(X ⋆ W + b)) and the fused training evaluation (`train`: forward pass,
 * residual, loss, ∂L/∂W and ∂L/∂b in one sweep over each group of output channels' rows). Both
 * stay within the golden tolerances of the float64 JavaScript reference in core/cpu/layer.ts
 * (`forwardLayerCpu`, `layerLossAndGradsCpu`), which `kernels: 'js'` still runs. C input and O
 * output channels, any dilation; X is zero-padded in the memory, so padding is just a larger X.
 * The program is specialized for one problem's shape: its key names every constant baked into it.
 *
 * Memory (byte offsets in `layout`), float32 unless said: X's channels with rows padded to
 * `xStride` (zeros beyond the image) and one spare row; for `forward` the output, rows `oStride`
 * floats apart; for `train` Y with rows padded to `oStride`, a lane mask per output column (all
 * ones below the output width, zero in the padding), one residual row per channel of a group and
 * the weights' gradient (float64); then the slid weights (O×C×kh×kw) and the biases and, for
 * `train`, Σ d per output channel (float64). Output columns are computed in blocks of BLOCK
 * values. The forward pass stores its rows dense (`oStride` = the output width: Y as the caller
 * takes it, with no copy) wherever they are at least a block wide: a width that is not a
 * multiple of BLOCK ends with a block overlapping the one before it. Otherwise, and in training,
 * rows are padded to whole blocks, so padded columns are computed too: the forward pass leaves
 * them in the padding, training masks them out.
 */
import type { FunctionDef, Local } from './emit';
import { Code } from './emit';

/**
 * Output columns per block: two f32x4 accumulators per output channel of a group. (The float64
 * training program this replaced measured 2 accumulators fastest on the 2-core VMs too.)
 */
export const BLOCK = 8;
/** Output channels per group: each X window read serves this many (8 accumulators). */
export const GROUP = 4;
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
  /** Whether multiply-adds use relaxed SIMD's f32x4.relaxed_madd (fused where the hardware has FMA). */
  readonly fma?: boolean;
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
    `wasm-layer-${s.purpose}-f32x4`,
    `c${s.inChannels}o${s.outChannels}`,
    `k${s.kh}x${s.kw}`,
    `d${s.dh}x${s.dw}`,
    `x${s.xRows}x${s.xCols}`,
    s.relu ? 'relu' : 'linear',
    `b${BLOCK}`,
    `g${GROUP}`,
    s.shared ? 'shared' : 'own',
    s.fma ? 'fma' : 'mul-add',
  ].join('-');
}

export function layerLayout(s: LayerShape): LayerLayout {
  const oh = s.xRows - (s.kh - 1) * s.dh;
  const ow = s.xCols - (s.kw - 1) * s.dw;
  // A forward pass at least a block wide stores its rows dense (its last block overlaps the one
  // before it); training, and a narrower output, pad rows to whole blocks.
  const oStride = s.purpose === 'forward' && ow >= BLOCK ? ow : Math.ceil(ow / BLOCK) * BLOCK;
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
  const x = take((s.inChannels * s.xRows + 1) * xStride, F32);
  const out = train ? -1 : take(s.outChannels * oh * oStride, F32);
  const y = train ? take(s.outChannels * oh * oStride, F32) : -1;
  const mask = train ? take(oStride, F32) : -1;
  const d = train ? take(GROUP * oStride, F32) : -1;
  const g = train ? take(weights, F64) : -1;
  const w = take(weights, F32);
  const bias = take(s.outChannels, F32);
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
 * The functions of `l`'s module: `run` (below) and, for `forward`, `place` and `placeNarrow`,
 * which take X copied in as it is (C×H×W floats from X's offset on, one typed-array copy) to the
 * padded layout `run` reads (`place` for X at least 4 columns wide, checking its values on the way).
 */
export function layerFunctions(l: LayerLayout): FunctionDef[] {
  return l.purpose === 'forward'
    ? [layerProgram(l), placeProgram(l, 'place'), placeProgram(l, 'placeNarrow')]
    : [layerProgram(l)];
}

/**
 * `place(cols, ph, pw) -> i32`: moves X's C×H×W floats (H = xRows − 2·ph, W = cols ≥ 4), copied
 * in contiguously from X's offset, to rows `xStride` floats apart with `ph` zero rows above and
 * below each channel and `pw` zeros left and right of each row, and returns 1 where some value
 * of X is NaN or ±Infinity. Rows move last first: each row's place is at or after where it was
 * copied and past every row before it, so no row is overwritten before it moves. Within a row,
 * vectors move last first too (each is read before any write reaches it); the row's last 4
 * floats, read before the rest, are written last, so a width that is not a multiple of 4 needs no
 * scalar steps. What lies right of the padded width is never read for an output that is kept.
 *
 * The check is on the vectors as they move: for a finite v, v − v is +0 (no bit set);
 * otherwise it is NaN, so OR-ing every v − v leaves a bit set exactly when some value is not
 * finite. `placeNarrow` (X under 4 columns wide) moves rows with `memory.copy` and returns 0: its
 * caller checks X itself.
 */
function placeProgram(l: LayerLayout, name: 'place' | 'placeNarrow'): FunctionDef {
  const narrow = name === 'placeNarrow';
  const c = new Code(['i32', 'i32', 'i32']);
  const cols = c.param(0);
  const ph = c.param(1);
  const pw = c.param(2);
  const rows = c.local('i32');
  const rowBytes = c.local('i32');
  const padBytes = c.local('i32');
  const k = c.local('i32');
  const ch = c.local('i32');
  const src = c.local('i32');
  const dst = c.local('i32');
  const at = c.local('i32');
  const v = c.local('v128');
  const tail = c.local('v128');
  const acc = c.local('v128');
  const xRowBytes = l.xStride * F32;
  c.f64(0).f64x2Splat().set(acc);
  c.i32(l.xRows).get(ph).get(ph).i32Add().i32Sub().set(rows);
  c.get(cols).i32(F32).i32Mul().set(rowBytes);
  c.get(pw).i32(F32).i32Mul().set(padBytes);
  c.get(rows).i32(l.inChannels).i32Mul().set(k);
  /** acc |= v − v. */
  const check = (vec: Local): void => {
    c.get(vec).get(vec).f32x4Sub().get(acc).or().set(acc);
  };
  c.loop(() => {
    c.get(k).i32(1).i32Sub().set(k);
    // dst = x + ((ch·xRows + i + ph)·xStride + pw)·4 for row k = ch·rows + i.
    c.get(k).get(rows).i32DivU().i32(l.xRows).i32Mul();
    c.get(k).get(rows).i32RemU().i32Add().get(ph).i32Add().i32(xRowBytes).i32Mul();
    c.get(padBytes).i32Add().i32(l.x).i32Add().set(dst);
    c.get(k).get(rowBytes).i32Mul().i32(l.x).i32Add().set(src);
    if (narrow) c.get(dst).get(src).get(rowBytes).memoryCopy();
    else {
      // The last 4 floats first; then whole vectors from the last one down to the row's start.
      c.get(src).get(rowBytes).i32Add().i32(16).i32Sub().v128Load().set(tail);
      check(tail);
      c.get(rowBytes).i32(-16).i32And().i32(16).i32Sub().set(at);
      c.loop(() => {
        c.get(src).get(at).i32Add().v128Load().set(v);
        check(v);
        c.get(dst).get(at).i32Add().get(v).v128Store();
        c.get(at).i32(16).i32Sub().tee(at).i32(0).i32GeS();
      });
      c.get(dst).get(rowBytes).i32Add().i32(16).i32Sub().get(tail).v128Store();
    }
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
  c.get(acc).anyTrue();
  return { name, params: ['i32', 'i32', 'i32'], results: ['i32'], code: c };
}

/**
 * Output channels whose ∂L/∂W sums share each X vector: as many as keep their kw sums, the kw
 * taps and a d vector within the 15 vector registers V8 allocates on x64 (3 for 3×3, 1 from 5 columns on).
 */
export function gradientGroup(kw: number): number {
  return Math.max(1, Math.min(GROUP, Math.floor(9 / kw)));
}

/**
 * `run` with the slid weights at `w` and the biases at `bias`, both float32. `forward` is
 * `run(row0, row1) -> f64`: it writes act(z) of output rows [row0, row1) of every channel as
 * float32 to `out` and returns 0 (threads sharing a memory each run a band of rows). `train` is
 * `run() -> f64`: it adds Σ_out d·X-window (unscaled) into `g` (float64, zeroed by the caller),
 * writes Σ d per output channel to `sumD` (float64), and returns Σ r² (r = act(z) − y, d = r where
 * the activation passes, as in the reference).
 *
 * Both compute z for output channels in groups of up to GROUP: for each group, row and
 * block of BLOCK columns, two f32x4 accumulators per channel of the group start at its
 * bias and add every tap (input channel, kernel row, kernel column): X is loaded once per tap
 * (one unaligned load per vector) and multiplied by each channel's weight in all lanes, so a
 * window read serves the whole group. Each output sums its taps in the same order in any group.
 * `forward` stores act(z) (ReLU as the TypeScript pass: z > 0 ? z : 0, NaN gives 0). `train`
 * stores z into the group's residual rows (`d`), then per channel of the group turns the row into
 * r and d (masked to the output width), and adds each tap's Σ_j d_j·X_j over the row: sums of
 * at most a row's width in float32 lanes, widened to float64 per row (loss, Σ d and ∂L/∂W).
 */
export function layerProgram(l: LayerLayout): FunctionDef {
  const train = l.purpose === 'train';
  const c = new Code(train ? [] : ['i32', 'i32']);
  const xStart = c.local('i32'); // byte address of X's row row0 in channel 0
  const xEnd = c.local('i32'); // … and of row row1
  const outStart = c.local('i32'); // byte address of output (or Y) row row0 of the group's first channel
  const o = c.local('i32'); // the group's first output channel, in bytes of its bias
  const outRow = c.local('i32'); // byte address of output (or Y) row i of channel o
  const xRow = c.local('i32'); // byte address of X's row i in channel 0
  const col = c.local('i32'); // byte offset of the block within a row
  const p = c.local('i32');
  const pw = c.local('i32');
  const wo = c.local('i32'); // channel o's weights (and, at twice the offset from w, its gradient)
  const ch = c.local('i32');
  const a = c.local('i32');
  const loss = c.local('f64');
  const zeroV = c.local('v128');
  const wv = c.local('v128');
  const vecs = BLOCK / 4;
  const xv = Array.from({ length: vecs }, () => c.local('v128'));
  const acc = Array.from({ length: GROUP }, () => Array.from({ length: vecs }, () => c.local('v128')));
  // Training, ∂L/∂W: a row's sums per channel and kernel column for up to GRAD_GROUP(kw) channels
  // at once, the X vectors of a kernel row's taps, a d vector and an address.
  const gradGroup = gradientGroup(l.kw);
  const sums = train
    ? Array.from({ length: gradGroup }, () => Array.from({ length: l.kw }, () => c.local('v128')))
    : [];
  const taps = train ? Array.from({ length: l.kw }, () => c.local('v128')) : [];
  const dv = c.local('v128');
  const at = c.local('i32');
  const xRowBytes = l.xStride * F32;
  const oRowBytes = l.oStride * F32;
  /** The bytes of a row's whole blocks, and whether one more block ends the row (dense rows only). */
  const wholeBlocksBytes = Math.floor(l.oStride / BLOCK) * BLOCK * F32;
  const tailBlock = l.oStride % BLOCK !== 0;
  const kRowBytes = l.kw * F32;
  const tapRowBytes = l.dh * xRowBytes;
  const nextChannel = (l.xRows - l.kh * l.dh) * xRowBytes;
  const weightsPerOut = l.inChannels * l.kh * kRowBytes;
  const channelBytes = l.oh * oRowBytes;

  /** acc += x·y in every lane: one relaxed multiply-add where the runtime has it, else two operations. */
  const madd = (acc: Local, x: Local, y: Local): void => {
    if (l.fma) c.get(x).get(y).get(acc).f32x4Madd().set(acc);
    else c.get(acc).get(x).get(y).f32x4Mul().f32x4Add().set(acc);
  };

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

  /** z for the block at `col` of row xRow, for the group's `g` channels, into acc. */
  const accumulate = (g: number): void => {
    for (let j = 0; j < g; j++)
      for (const v of acc[j])
        c.get(o)
          .f32Splat(l.bias + j * F32)
          .set(v);
    c.get(xRow).get(col).i32Add().set(p);
    c.get(wo).set(pw);
    kernelRows(() => {
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
          acc[j].forEach((v, k) => madd(v, xv[k], wv));
        }
      }
    });
  };

  /** Training, after a row's z of channel j is in its residual row: r, d, loss and Σ d. */
  const trainRow = (j: number): void => {
    const [lossV, sumV] = acc[0];
    const [z, r] = acc[1];
    const le = wv;
    const dRow = l.d + j * oRowBytes;
    c.get(zeroV).tee(lossV).set(sumV);
    c.i32(0).set(col);
    c.loop(() => {
      c.i32(dRow).get(col).i32Add().v128Load().set(z);
      // With ReLU, `le` marks the lanes it zeroes (z ≤ 0; NaN passes, as in the reference).
      if (l.relu) c.get(z).get(zeroV).f32x4Le().set(le);
      c.get(z);
      if (l.relu) c.get(le).andnot();
      c.get(outRow)
        .get(col)
        .i32Add()
        .v128Load(j * channelBytes)
        .f32x4Sub();
      c.i32(l.mask).get(col).i32Add().v128Load().and().set(r);
      c.get(lossV).get(r).get(r).f32x4Mul().f32x4Add().set(lossV);
      c.i32(dRow).get(col).i32Add().get(r);
      if (l.relu) c.get(le).andnot();
      c.tee(r).v128Store();
      c.get(sumV).get(r).f32x4Add().set(sumV);
      c.stepLt(col, 16, oRowBytes);
    });
    c.get(loss).laneSumF32(lossV).f64Add().set(loss);
    c.get(o)
      .i32(2)
      .i32Mul()
      .get(o)
      .i32(2)
      .i32Mul()
      .f64Load(l.sumD + j * F64)
      .laneSumF32(sumV)
      .f64Add()
      .f64Store(l.sumD + j * F64);
  };

  /**
   * ∂L/∂W of channels o + j0 … o + j0 + gg − 1 for the current row: each kernel row's taps as dot
   * products of their d rows with shifted X rows, every X vector loaded once for the gg channels.
   */
  const gradients = (j0: number, gg: number): void => {
    c.get(xRow).set(p);
    // Channel o + j0's weight gradient: float64, at w's offset doubled (and moved to g).
    c.get(wo)
      .i32(l.w)
      .i32Sub()
      .i32(2)
      .i32Mul()
      .i32(l.g + 2 * j0 * weightsPerOut)
      .i32Add()
      .set(pw);
    c.i32(0).set(ch);
    c.loop(() => {
      c.i32(0).set(a);
      c.loop(() => {
        for (let jj = 0; jj < gg; jj++) for (let b = 0; b < l.kw; b++) c.get(zeroV).set(sums[jj][b]);
        c.i32(0).set(col);
        c.loop(() => {
          c.get(p).get(col).i32Add().set(at);
          for (let b = 0; b < l.kw; b++)
            c.get(at)
              .v128Load(b * l.dw * F32)
              .set(taps[b]);
          for (let jj = 0; jj < gg; jj++) {
            c.i32(l.d + (j0 + jj) * oRowBytes)
              .get(col)
              .i32Add()
              .v128Load()
              .set(dv);
            for (let b = 0; b < l.kw; b++) madd(sums[jj][b], taps[b], dv);
          }
          c.stepLt(col, 16, oRowBytes);
        });
        for (let jj = 0; jj < gg; jj++)
          for (let b = 0; b < l.kw; b++) {
            const offset = jj * 2 * weightsPerOut + b * F64;
            c.get(pw).get(pw).f64Load(offset).laneSumF32(sums[jj][b]).f64Add().f64Store(offset);
          }
        c.bump(p, tapRowBytes).bump(pw, l.kw * F64);
        c.stepLt(a, 1, l.kh);
      });
      c.bump(p, nextChannel);
      c.stepLt(ch, 1, l.inChannels);
    });
  };

  /** `count` groups of `g` output channels, from the current o, outStart and wo on. */
  const groups = (g: number, count: number): void => {
    if (count < 1 || g < 1) return;
    const first = c.local('i32');
    c.i32(0).set(first);
    c.loop(() => {
      if (train)
        for (let j = 0; j < g; j++)
          c.get(o)
            .i32(2)
            .i32Mul()
            .f64(0)
            .f64Store(l.sumD + j * F64);
      c.get(xStart).set(xRow);
      c.get(outStart).set(outRow);
      /** The block at `col`: z of the group's channels, stored (forward: act(z); train: z into d). */
      const block = (): void => {
        accumulate(g);
        for (let j = 0; j < g; j++)
          acc[j].forEach((z, k) => {
            if (train)
              c.i32(l.d + j * oRowBytes)
                .get(col)
                .i32Add()
                .get(z);
            else {
              c.get(outRow).get(col).i32Add().get(z);
              if (l.relu) c.get(z).get(zeroV).f32x4Gt().and();
            }
            c.v128Store(k * 16 + (train ? 0 : j * channelBytes));
          });
      };
      c.loop(() => {
        c.i32(0).set(col);
        c.loop(() => {
          block();
          c.stepLt(col, BLOCK * F32, wholeBlocksBytes);
        });
        // Dense rows: the last columns as one more block ending at the row's end. The columns it
        // shares with the block before get the same values again (the same sums in the same order).
        if (tailBlock) {
          c.i32((l.ow - BLOCK) * F32).set(col);
          block();
        }
        if (train) {
          for (let j = 0; j < g; j++) trainRow(j);
          for (let j0 = 0; j0 < g; j0 += gradGroup) gradients(j0, Math.min(gradGroup, g - j0));
        }
        c.bump(xRow, xRowBytes);
        c.bump(outRow, oRowBytes);
        c.get(xRow).get(xEnd).i32LtU();
      });
      c.bump(outStart, g * channelBytes);
      c.bump(wo, g * weightsPerOut);
      c.bump(o, g * F32);
      c.stepLt(first, 1, count);
    });
  };

  c.f64(0).f64x2Splat().set(zeroV);
  c.f64(0).set(loss);
  const outBase = train ? l.y : l.out;
  if (train) {
    c.i32(l.x).set(xStart);
    c.i32(l.x + l.oh * xRowBytes).set(xEnd);
    c.i32(outBase).set(outStart);
  } else {
    const [row0, row1] = [c.param(0), c.param(1)];
    c.get(row0).i32(xRowBytes).i32Mul().i32(l.x).i32Add().set(xStart);
    c.get(row1).i32(xRowBytes).i32Mul().i32(l.x).i32Add().set(xEnd);
    c.get(row0).i32(oRowBytes).i32Mul().i32(outBase).i32Add().set(outStart);
  }
  c.i32(0).set(o);
  c.i32(l.w).set(wo);
  groups(GROUP, Math.floor(l.outChannels / GROUP));
  groups(l.outChannels % GROUP, 1);
  c.get(loss);
  return { name: 'run', params: train ? [] : ['i32', 'i32'], results: ['f64'], code: c };
}
