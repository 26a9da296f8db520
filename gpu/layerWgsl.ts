/**
 * WGSL shared by the full-layer programs (C in, O out, stride, zero padding, dilation): the
 * layer's constants, the shaderKey part that names them, and the one forward sum every layer
 * program uses. Image and output sizes are uniforms (`inRows`, `inCols`, `outRows`,
 * `outCols`), so a new image size reuses the compiled pipeline; everything in the key is a
 * compile-time constant the loops unroll on.
 */
import type { ConvSpec } from '#core/layer';
import type { Uniform } from './rawProgram';
import { activationWgsl } from './wgslSnippets';

/** The uniforms every layer program declares first (filled by `layerSizeUniforms`). */
export const LAYER_SIZE_UNIFORMS = 'inRows: i32, inCols: i32, outRows: i32, outCols: i32,';

/** Values for LAYER_SIZE_UNIFORMS. */
export function layerSizeUniforms(
  input: { rows: number; cols: number },
  output: { rows: number; cols: number },
): Uniform[] {
  return [input.rows, input.cols, output.rows, output.cols].map((v) => ({ type: 'int32', data: [v] }));
}

/** The shaderKey part naming every constant of the layer. */
export function layerKey(spec: ConvSpec): string {
  const p = (name: string, v: readonly [number, number]) => `${name}${v[0]}x${v[1]}`;
  return [
    `c${spec.inChannels}`,
    `o${spec.outChannels}`,
    p('k', spec.kernel),
    p('s', spec.stride),
    p('p', spec.padding),
    p('d', spec.dilation),
    spec.mode,
    spec.activation,
  ].join('_');
}

/** WGSL constants of the layer: C, O, KH, KW, SH, SW, PH, PW, DH, DW, KSIZE (= C·KH·KW, one output's weights). */
export function layerConstsWgsl(spec: ConvSpec): string {
  const [kh, kw] = spec.kernel;
  return `
  const C = ${spec.inChannels};
  const O = ${spec.outChannels};
  const KH = ${kh};
  const KW = ${kw};
  const SH = ${spec.stride[0]};
  const SW = ${spec.stride[1]};
  const PH = ${spec.padding[0]};
  const PW = ${spec.padding[1]};
  const DH = ${spec.dilation[0]};
  const DW = ${spec.dilation[1]};
  const KSIZE = ${spec.inChannels * kh * kw};
`;
}

/**
 * The stored index of the weight that tap (a, b) of kernel (o, c) applies: the kernel as
 * stored, or rotated 180° per (o, c) in convolve mode (core/layer-reference.ts `tapIndex`).
 */
export function storedTapWgsl(spec: ConvSpec, o: string, c: string, a: string, b: string): string {
  const ra = spec.mode === 'convolve' ? `(KH - 1 - ${a})` : a;
  const rb = spec.mode === 'convolve' ? `(KW - 1 - ${b})` : b;
  return `((((${o}) * C + (${c})) * KH + ${ra}) * KW + ${rb})`;
}

/**
 * `fn ksLayerPre(o, i, j) -> f32`: b[o] + Σ_c Σ_a Σ_b X[c, i·SH − PH + a·DH, j·SW − PW + b·DW] · K'[o, c, a, b],
 * reading X from the input named `x`, and weights and biases through `weight(index)` and
 * `bias(o)` (an input, or the training state). Taps in the padding are skipped.
 */
export function layerPreWgsl(
  spec: ConvSpec,
  weight: (index: string) => string,
  bias: (o: string) => string,
): string {
  return `
  fn ksLayerPre(o: i32, i: i32, j: i32) -> f32 {
    var acc = ${bias('o')};
    let r0 = i * SH - PH;
    let q0 = j * SW - PW;
    for (var c = 0; c < C; c++) {
      for (var a = 0; a < KH; a++) {
        let r = r0 + a * DH;
        if (r >= 0 && r < uniforms.inRows) {
          let xRow = (c * uniforms.inRows + r) * uniforms.inCols;
          for (var b = 0; b < KW; b++) {
            let q = q0 + b * DW;
            if (q >= 0 && q < uniforms.inCols) {
              acc += x[xRow + q] * ${weight(storedTapWgsl(spec, 'o', 'c', 'a', 'b'))};
            }
          }
        }
      }
    }
    return acc;
  }
  fn ksLayerAct(z: f32) -> f32 {
    return ${activationWgsl(spec.activation, 'z')};
  }
`;
}

/** Layers with at most this many taps per output (C·kh·kw) keep the window in registers (`layerOutputsWgsl`). */
export const WINDOW_MAX_TAPS = 64;

export function fitsWindow(spec: ConvSpec): boolean {
  return spec.inChannels * spec.kernel[0] * spec.kernel[1] <= WINDOW_MAX_TAPS;
}

/**
 * `fn ksLayerOutputs(i, j)`: calls `ksEmit(o, z)` with the pre-activation z of every output
 * channel o at position (i, j). For small layers (`fitsWindow`) the C×kh×kw window is read
 * once into named registers (unrolled; zeros in the padding) and dotted with each channel's
 * weights, so one thread serves all O channels with one read of X; larger layers call
 * `ksLayerPre` per channel. Needs `layerPreWgsl` with the same accessors, and `ksEmit`.
 */
export function layerOutputsWgsl(
  spec: ConvSpec,
  weight: (index: string) => string,
  bias: (o: string) => string,
): string {
  if (!fitsWindow(spec))
    return `
  fn ksLayerOutputs(i: i32, j: i32) {
    for (var o = 0; o < O; o++) {
      ksEmit(o, ksLayerPre(o, i, j));
    }
  }
`;
  const [kh, kw] = spec.kernel;
  const loads: string[] = [];
  const terms: string[] = [];
  for (let c = 0; c < spec.inChannels; c++)
    for (let a = 0; a < kh; a++) {
      loads.push(`let r${c}_${a} = r0 + ${a * spec.dilation[0]};
      let row${c}_${a} = (${c} * uniforms.inRows + clamp(r${c}_${a}, 0, uniforms.inRows - 1)) * uniforms.inCols;
      let in${c}_${a} = r${c}_${a} >= 0 && r${c}_${a} < uniforms.inRows;`);
      for (let b = 0; b < kw; b++) {
        const q = `col${b}`;
        loads.push(
          `let v${c}_${a}_${b} = select(0.0, x[row${c}_${a} + clamp(${q}, 0, uniforms.inCols - 1)], in${c}_${a} && ${q} >= 0 && ${q} < uniforms.inCols);`,
        );
        const sa = spec.mode === 'convolve' ? kh - 1 - a : a;
        const sb = spec.mode === 'convolve' ? kw - 1 - b : b;
        terms.push(`v${c}_${a}_${b} * ${weight(`base + ${(c * kh + sa) * kw + sb}`)}`);
      }
    }
  const cols = Array.from({ length: kw }, (_, b) => `let col${b} = q0 + ${b * spec.dilation[1]};`);
  return `
  fn ksLayerOutputs(i: i32, j: i32) {
    let r0 = i * SH - PH;
    let q0 = j * SW - PW;
    ${cols.join('\n    ')}
    ${loads.join('\n    ')}
    for (var o = 0; o < O; o++) {
      let base = o * KSIZE;
      ksEmit(o, ${bias('o')} + ${terms.join('\n        + ')});
    }
  }
`;
}

/** Threads per workgroup of the flat layer programs. */
export const LAYER_WORKGROUP = 64;

/** A flat dispatch of `threads` invocations (tfjs reshapes it past the per-dimension limit). */
export function flatDispatch(threads: number): [number, number, number] {
  return [Math.max(1, Math.ceil(threads / LAYER_WORKGROUP)), 1, 1];
}

/**
 * A whole one-thread-per-output-position program body: the layer's constants, its forward
 * sum, and `main(index)`, which runs `ksLayerOutputs` for position `index` of the
 * outRows×outCols plane. `emit` is the body of `fn ksEmit(o: i32, z: f32)`: what to do with
 * output channel o's pre-activation z there (its flat index is `o * ksPlane + ksPos`).
 */
export function layerPerPositionWgsl(
  spec: ConvSpec,
  weight: (index: string) => string,
  bias: (o: string) => string,
  emit: string,
): string {
  return `
  ${layerConstsWgsl(spec)}
  ${layerPreWgsl(spec, weight, bias)}
  ${layerOutputsWgsl(spec, weight, bias)}
  var<private> ksPlane: i32;
  var<private> ksPos: i32;
  fn ksEmit(o: i32, z: f32) {
    ${emit}
  }
  fn main(index: i32) {
    ksPlane = uniforms.outRows * uniforms.outCols;
    if (index >= ksPlane) {
      return;
    }
    ksPos = index;
    let i = index / uniforms.outCols;
    ksLayerOutputs(i, index - i * uniforms.outCols);
  }
`;
}
