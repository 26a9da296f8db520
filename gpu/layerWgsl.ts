/**
 * WGSL shared by the full-layer programs (C in, O out, stride, zero padding, dilation): the
 * layer's constants, the shaderKey part that names them, and the one forward sum every layer
 * program uses. Image and output sizes are uniforms (`inRows`, `inCols`, `outRows`,
 * `outCols`), so a new image size reuses the compiled pipeline; everything in the key is a
 * compile-time constant the loops unroll on.
 */
import type { ConvSpec } from '../core/layer';
import { activationWgsl } from './wgslSnippets';

/** The uniforms every layer program declares first (filled by `layerSizeUniforms`). */
export const LAYER_SIZE_UNIFORMS = 'inRows: i32, inCols: i32, outRows: i32, outCols: i32,';

export type Uniform = { type: 'float32' | 'int32'; data: number[] };

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

/** Threads per workgroup of the flat layer programs. */
export const LAYER_WORKGROUP = 64;

/** A flat dispatch of `threads` invocations (tfjs reshapes it past the per-dimension limit). */
export function flatDispatch(threads: number): [number, number, number] {
  return [Math.max(1, Math.ceil(threads / LAYER_WORKGROUP)), 1, 1];
}
