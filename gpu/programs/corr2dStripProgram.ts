/**
 * (a) Forward pass `act(corr2d(X, mode(K)) + bias)` for kernels up to STRIP_MAX_TAPS taps,
 * with no workgroup memory and no barriers: each thread owns one output column and
 * ROWS_PER_THREAD consecutive rows, slides its kh×kw window down in registers (kw loads
 * per output) and keeps the weights in registers too. See stripWindow.ts for why this
 * beats the workgroup-tiled version on SwiftShader and stays coalesced on real GPUs.
 * Larger kernels use corr2dForwardProgram (tiled in workgroup memory).
 */
import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import type { ConvSpec } from '../stripWindow';
import {
  STRIP_WIDTH,
  storedTap,
  stripLoopWgsl,
  stripPrologueWgsl,
  weightRegistersWgsl,
  windowDotWgsl,
} from '../stripWindow';
import { activationWgsl } from '../wgslSnippets';

/** Output rows per thread: long enough to amortise the kh − 1 preloaded window rows. */
const ROWS_PER_THREAD = 16;

export class Corr2dStripProgram implements WebGPUProgram {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout = { x: [1], y: [0] };
  dispatch: [number, number, number];
  variableNames = ['img', 'kern'];
  uniforms = 'bias: f32,';
  workgroupSize: [number, number, number] = [STRIP_WIDTH, 1, 1];

  constructor(private readonly spec: ConvSpec) {
    const { outRows, outCols, kh, kw, mode, activation } = spec;
    this.outputShape = [outRows, outCols];
    this.dispatch = [Math.ceil(outCols / STRIP_WIDTH), Math.ceil(outRows / ROWS_PER_THREAD), 1];
    this.shaderKey = `ks_corr2d_strip_${kh}x${kw}_${mode}_${activation}_wg${STRIP_WIDTH}_rows${ROWS_PER_THREAD}`;
  }

  getUserCode(): string {
    const { kh, kw, mode, activation } = this.spec;
    return `
  fn main() {
    ${stripPrologueWgsl('uniforms.outShape', `${ROWS_PER_THREAD}`)}
    let bias = uniforms.bias;
    ${weightRegistersWgsl(kh, kw, (e) => `kern[${storedTap(mode, kh * kw, e)}]`)}
    ${stripLoopWgsl(
      kh,
      kw,
      (r, x) => `var acc = 0.0; ${windowDotWgsl(kh, kw, x, 'acc')}
      if (${r} < rowEnd && outCol < outCols) {
        let z = acc + bias;
        result[${r} * outCols + outCol] = ${activationWgsl(activation, 'z')};
      }`,
    )}
  }
`;
  }
}
