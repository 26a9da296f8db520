/**
 * (a) Forward pass `act(corr2d(X, mode(K)) + bias)` for kernels up to STRIP_MAX_TAPS taps,
 * with no workgroup memory and no barriers: each thread owns one output column and
 * ROWS_PER_THREAD consecutive rows, slides its kh×kw window down in registers (kw loads
 * per output) and keeps the weights in registers too. See stripWindow.ts for why this
 * beats the workgroup-tiled version on SwiftShader and stays coalesced on real GPUs.
 * Larger kernels use corr2dForwardProgram (tiled in workgroup memory).
 */
import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import type { Activation, Mode } from '../../../../../core/types';
import { STRIP_WIDTH, stripLoopWgsl, weightRegistersWgsl, windowDotWgsl } from '../stripWindow';
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

  constructor(
    outRows: number,
    outCols: number,
    private readonly kh: number,
    private readonly kw: number,
    private readonly mode: Mode,
    private readonly activation: Activation,
  ) {
    this.outputShape = [outRows, outCols];
    this.dispatch = [Math.ceil(outCols / STRIP_WIDTH), Math.ceil(outRows / ROWS_PER_THREAD), 1];
    this.shaderKey = `ks_corr2d_strip_${kh}x${kw}_${mode}_${activation}_wg${STRIP_WIDTH}_rows${ROWS_PER_THREAD}`;
  }

  getUserCode(): string {
    const { kh, kw } = this;
    const kk = kh * kw;
    const stored = (e: number) => (this.mode === 'convolve' ? kk - 1 - e : e);
    return `
  fn main() {
    let imgRows = uniforms.imgShape.x;
    let imgCols = uniforms.imgShape.y;
    let outRows = uniforms.outShape.x;
    let outCols = uniforms.outShape.y;
    let outCol = i32(globalId.x);
    // Threads past the last column compute a clamped stand-in and store nothing (no early
    // return: divergent exits cost masked code on SwiftShader).
    let col = min(outCol, outCols - 1);
    let rowBegin = i32(workgroupId.y) * ${ROWS_PER_THREAD};
    let rowEnd = min(rowBegin + ${ROWS_PER_THREAD}, outRows);
    let bias = uniforms.bias;
    ${weightRegistersWgsl(kh, kw, (e) => `kern[${stored(e)}]`)}
    ${stripLoopWgsl(
      kh,
      kw,
      (r, x) => `var acc = 0.0; ${windowDotWgsl(kh, kw, x, 'acc')}
      if (${r} < rowEnd && outCol < outCols) {
        let z = acc + bias;
        result[${r} * outCols + outCol] = ${activationWgsl(this.activation, 'z')};
      }`,
    )}
  }
`;
  }
}
