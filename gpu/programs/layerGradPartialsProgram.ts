/**
 * (Layer training, pass 2 of 3) Partial sums of the gradients and the loss over chunks of
 * output positions: row g of the result holds, for the `chunk` positions g·chunk …, one
 * column per parameter and one for the loss (P = O·C·kh·kw + O + 1 columns):
 *
 *   weight (o, c, a, b): Σ ∂L/∂pre[o, i, j] · X[c, i·SH − PH + a'·DH, j·SW − PW + b'·DW]
 *   bias o:              Σ ∂L/∂pre[o, i, j]
 *   loss:                Σ_o r²·scale
 *
 * (a', b' the tap the stored weight is applied at: rotated in convolve mode). Thread
 * (g, p) owns one entry, so the work is spread over weights × chunks instead of one thread
 * walking the whole image; adjacent threads are adjacent weights of the same chunk, so they
 * read the same ∂L/∂pre and neighbouring X. layerReduceUpdateProgram then sums the rows.
 * Reference: core/layer-reference.ts `layerLossAndGradsRef`.
 */
import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import type { ConvSpec } from '#core/layer';
import { LAYER_SIZE_UNIFORMS, LAYER_WORKGROUP, flatDispatch, layerConstsWgsl, layerKey } from '../layerWgsl';

/** Output positions per partial row, aimed at (a GPU's worth of threads, a short reduce). */
const TARGET_CHUNK = 256;
/** At most this many partial rows (the reduce pass sums them in one workgroup). */
const MAX_GROUPS = 1024;
/** Keep weights × rows under this many threads for big layers (longer chunks instead). */
const MAX_THREADS = 1 << 22;

/** Columns of a partial row: every parameter, then the loss. */
export function partialColumns(spec: ConvSpec): number {
  const [kh, kw] = spec.kernel;
  return spec.outChannels * spec.inChannels * kh * kw + spec.outChannels + 1;
}

/** How the outPlane = Ho·Wo output positions split into partial rows. */
export function layerPartialsShape(spec: ConvSpec, outPlane: number): { groups: number; chunk: number } {
  const columns = partialColumns(spec);
  const cap = Math.max(1, Math.min(MAX_GROUPS, Math.floor(MAX_THREADS / columns)));
  const groups = Math.max(1, Math.min(cap, Math.ceil(outPlane / TARGET_CHUNK)));
  const chunk = Math.ceil(outPlane / groups);
  return { groups: Math.ceil(outPlane / chunk), chunk };
}

export class LayerGradPartialsProgram implements WebGPUProgram {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout = { x: [0] };
  dispatch: [number, number, number];
  variableNames = ['x', 'd'];
  /** chunk: output positions per partial row; groups: the number of rows. */
  uniforms = `${LAYER_SIZE_UNIFORMS} chunk: i32, groups: i32,`;
  workgroupSize: [number, number, number] = [LAYER_WORKGROUP, 1, 1];

  constructor(
    private readonly spec: ConvSpec,
    groups: number,
  ) {
    const columns = partialColumns(spec);
    this.outputShape = [groups * columns];
    this.dispatch = flatDispatch(groups * columns);
    this.shaderKey = `ks_layer_grad_partials_${layerKey(spec)}_wg${LAYER_WORKGROUP}`;
  }

  getUserCode(): string {
    const convolve = this.spec.mode === 'convolve';
    return `
  ${layerConstsWgsl(this.spec)}
  const WEIGHTS = O * KSIZE;
  const COLS = WEIGHTS + O + 1;
  fn main(index: i32) {
    if (index >= uniforms.groups * COLS) {
      return;
    }
    let g = index / COLS;
    let p = index - g * COLS;
    let plane = uniforms.outRows * uniforms.outCols;
    let start = g * uniforms.chunk;
    let end = min(start + uniforms.chunk, plane);
    var acc = 0.0;
    if (p < WEIGHTS) {
      let o = p / KSIZE;
      let rest = p - o * KSIZE;
      let c = rest / (KH * KW);
      let tap = rest - c * (KH * KW);
      let sa = tap / KW;
      let sb = tap - sa * KW;
      let a = ${convolve ? 'KH - 1 - sa' : 'sa'};
      let b = ${convolve ? 'KW - 1 - sb' : 'sb'};
      let dBase = o * plane;
      let xBase = c * uniforms.inRows * uniforms.inCols;
      var i = start / uniforms.outCols;
      var j = start - i * uniforms.outCols;
      for (var pos = start; pos < end; pos++) {
        let r = i * SH - PH + a * DH;
        let q = j * SW - PW + b * DW;
        if (r >= 0 && r < uniforms.inRows && q >= 0 && q < uniforms.inCols) {
          acc += d[dBase + pos] * x[xBase + r * uniforms.inCols + q];
        }
        j++;
        if (j == uniforms.outCols) {
          j = 0;
          i++;
        }
      }
    } else if (p < WEIGHTS + O) {
      let dBase = (p - WEIGHTS) * plane;
      for (var pos = start; pos < end; pos++) {
        acc += d[dBase + pos];
      }
    } else {
      let lossBase = O * plane;
      for (var o = 0; o < O; o++) {
        for (var pos = start; pos < end; pos++) {
          acc += d[lossBase + o * plane + pos];
        }
      }
    }
    result[index] = acc;
  }
`;
  }
}
