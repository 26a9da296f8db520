/**
 * (b, part 1) The fused training evaluation for kernels up to STRIP_TRAIN_MAX_TAPS taps,
 * with no workgroup memory and no barriers: each thread owns one output column and a run
 * of rows, slides its kh×kw window down in registers (stripWindow.ts) and, per output,
 * computes the forward sum, the residual and ∂L/∂pre, then accumulates the loss, ∂L/∂b and
 * ALL kh·kw weight-gradient partials in registers. Each thread writes one partial row of
 * `kh·kw + 2` floats, which trainReduceUpdateProgram sums.
 *
 * Output layout (same as trainPartialsProgram): partials[row · (KK + 2) + j], j < KK:
 * ∂L/∂W (stored order), j = KK: ∂L/∂b, j = KK + 1: loss (already scaled for 'mean').
 * Larger kernels would need too many registers and use trainPartialsProgram instead.
 */
import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import type { StateLayout } from '../stateLayout';
import { stateLayoutWgsl } from '../stateLayout';
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

/** 3 × kh·kw live registers (window, weights, gradients): 7×7 keeps that under ~150. */
export const STRIP_TRAIN_MAX_TAPS = 49;
/**
 * Partial rows (threads) per step: one per ~64 outputs, 256 to 16384. Enough threads to
 * fill the device on big images, while the reduce dispatch's serial sum over the rows
 * stays short (on SwiftShader it costs as much as ~10% of the partials pass at 252²).
 */
function targetPartialRows(outCells: number): number {
  return Math.min(16384, Math.max(256, Math.round(outCells / 64)));
}

export function fitsStripTraining(kh: number, kw: number): boolean {
  return kh * kw <= STRIP_TRAIN_MAX_TAPS;
}

export interface StripPartialsShape {
  readonly groupsX: number;
  readonly strips: number;
  readonly rowsPerThread: number;
  /** Partial rows written per step (threads past the last column write zeros). */
  readonly partialRows: number;
}

/** rowsPerThread is a multiple of kh: the strip loop works in blocks of kh rows. */
export function stripPartialsShape(outRows: number, outCols: number, kh: number): StripPartialsShape {
  const groupsX = Math.ceil(outCols / STRIP_WIDTH);
  const paddedCols = groupsX * STRIP_WIDTH;
  const target = targetPartialRows(outRows * outCols);
  const wanted = Math.max(1, Math.min(outRows, Math.floor(target / paddedCols)));
  const rowsPerThread = Math.ceil(Math.ceil(outRows / wanted) / kh) * kh;
  const strips = Math.ceil(outRows / rowsPerThread);
  return { groupsX, strips, rowsPerThread, partialRows: strips * paddedCols };
}

export class TrainStripPartialsProgram implements WebGPUProgram {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout = { x: [0], y: [1] };
  dispatch: [number, number, number];
  variableNames = ['img', 'tgt', 'state'];
  /** rowsPerThread comes from stripPartialsShape (a uniform: no recompiles across image sizes). */
  uniforms = 'lossScale: f32, rowsPerThread: i32,';
  workgroupSize: [number, number, number] = [STRIP_WIDTH, 1, 1];
  readonly shape: StripPartialsShape;

  constructor(
    private readonly spec: ConvSpec,
    private readonly layout: StateLayout,
  ) {
    const { outRows, outCols, kh, kw, mode, activation } = spec;
    this.shape = stripPartialsShape(outRows, outCols, kh);
    this.dispatch = [this.shape.groupsX, this.shape.strips, 1];
    this.outputShape = [this.shape.partialRows * (layout.kernelSize + 2)];
    this.shaderKey = `ks_train_strip_partials_${kh}x${kw}_${mode}_${activation}_wg${STRIP_WIDTH}`;
  }

  getUserCode(): string {
    const { kh, kw, mode, activation } = this.spec;
    const kk = kh * kw;
    const stored = (e: number) => storedTap(mode, kk, e);
    const taps: [number, number][] = [];
    for (let a = 0; a < kh; a++) for (let b = 0; b < kw; b++) taps.push([a, b]);
    const relu = activation === 'relu';
    return `
  ${stateLayoutWgsl(this.layout)}
  fn main() {
    ${stripPrologueWgsl('uniforms.tgtShape', 'uniforms.rowsPerThread')}
    // Columns past the edge count for nothing.
    let colMask = select(0.0, 1.0, outCol < outCols);
    let lossScale = uniforms.lossScale;
    let bias = state[OFF_PARAMS + KK];
    ${weightRegistersWgsl(kh, kw, (e) => `state[OFF_PARAMS + ${stored(e)}]`)}
    ${taps.map(([a, b]) => `var g${a}_${b} = 0.0;`).join(' ')}
    var gBias = 0.0;
    var squared = 0.0;
    ${stripLoopWgsl(
      kh,
      kw,
      (r, x) => `var acc = 0.0; ${windowDotWgsl(kh, kw, x, 'acc')}
      let z = acc + bias;
      // Rows past rowEnd (the last block of kh) and columns past the edge count for nothing.
      let mask = select(0.0, colMask, ${r} < rowEnd);
      let residual = mask * (${activationWgsl(activation, 'z')} - tgt[min(${r}, outRows - 1) * outCols + col]);
      squared += residual * residual;
      let g = ${relu ? 'select(2.0 * residual * lossScale, 0.0, z <= 0.0)' : '2.0 * residual * lossScale'};
      gBias += g;
      ${taps.map(([a, b]) => `g${a}_${b} += g * ${x(a, b)};`).join(' ')}`,
    )}
    let base = (i32(globalId.y) * i32(numWorkgroups.x) * ${STRIP_WIDTH} + outCol) * (KK + 2);
    ${taps.map(([a, b]) => `result[base + ${stored(a * kw + b)}] = g${a}_${b};`).join(' ')}
    result[base + KK] = gBias;
    result[base + KK + 1] = squared * lossScale;
  }
`;
  }
}
