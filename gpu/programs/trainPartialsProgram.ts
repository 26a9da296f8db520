/**
 * (b, part 1) The fused training evaluation, one 16×16 output tile per workgroup:
 * forward (halo tile in workgroup memory) → residual → per-workgroup partial sums of
 * ∂L/∂W, ∂L/∂b and the loss. Nothing per-pixel is written to global memory: each
 * workgroup emits only `kh·kw + 2` numbers, which trainReduceUpdateProgram sums.
 *
 * Output layout: partials[group · (KK + 2) + j], j < KK: ∂L/∂W (stored order),
 * j = KK: ∂L/∂b, j = KK + 1: loss (already scaled for 'mean').
 */
import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import type { StateLayout } from '../stateLayout';
import { stateLayoutWgsl } from '../stateLayout';
import type { ConvSpec } from '../stripWindow';
import { TREE_REDUCE_WGSL, activationWgsl, effectiveIndexWgsl } from '../wgslSnippets';

const SIDE = 16;
const THREADS = SIDE * SIDE;

/** How many threads share one weight's gradient sum (by tile rows), so small kernels keep all threads busy. */
export function gradientSplit(kernelSize: number): number {
  return Math.max(1, Math.min(SIDE, Math.floor(THREADS / kernelSize)));
}

export function partialsGroups(outRows: number, outCols: number): [number, number] {
  return [Math.ceil(outCols / SIDE), Math.ceil(outRows / SIDE)];
}

export class TrainPartialsProgram implements WebGPUProgram {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout = { x: [0], y: [1] };
  dispatch: [number, number, number];
  variableNames = ['img', 'tgt', 'state'];
  uniforms = 'lossScale: f32,';
  workgroupSize: [number, number, number] = [SIDE, SIDE, 1];

  constructor(
    private readonly spec: ConvSpec,
    private readonly layout: StateLayout,
  ) {
    const { outRows, outCols, kh, kw, mode, activation } = spec;
    const [gx, gy] = partialsGroups(outRows, outCols);
    this.dispatch = [gx, gy, 1];
    this.outputShape = [gx * gy * (layout.kernelSize + 2)];
    this.shaderKey = `ks_train_partials_${kh}x${kw}_${mode}_${activation}_wg${SIDE}x${SIDE}_split${gradientSplit(kh * kw)}`;
  }

  getUserCode(): string {
    const { kh, kw, mode, activation } = this.spec;
    const kk = kh * kw;
    const split = gradientSplit(kk);
    const haloRows = SIDE + kh - 1;
    const haloCols = SIDE + kw - 1;
    const relu = activation === 'relu';
    const writeGrad = (value: string, p: string): string =>
      `result[base + ${effectiveIndexWgsl(mode, p)}] = ${value};`;
    const gradientPhase =
      split === 1
        ? `
    for (var p = li; p < KK; p += ${THREADS}) {
      ${writeGrad('gradientPart(p, 0)', 'p')}
    }`
        : `
    if (li < KK * SPLIT) {
      gradParts[li] = gradientPart(li % KK, li / KK);
    }
    workgroupBarrier();
    if (li < KK) {
      var sum = 0.0;
      for (var part = 0; part < SPLIT; part++) {
        sum += gradParts[part * KK + li];
      }
      ${writeGrad('sum', 'li')}
    }`;
    return `
  ${stateLayoutWgsl(this.layout)}
  const KH = ${kh};
  const KW = ${kw};
  const SPLIT = ${split};
  const HALO_COLS = ${haloCols};
  var<workgroup> xTile: array<f32, ${haloRows * haloCols}>;
  var<workgroup> wTile: array<f32, ${kk}>;
  var<workgroup> gTile: array<f32, ${THREADS}>;
  var<workgroup> red: array<vec2<f32>, ${THREADS}>;
  var<workgroup> gradParts: array<f32, ${Math.max(1, kk * split)}>;

  /** Σ over this tile's rows part, part+SPLIT, … of ∂L/∂pre · X for slid weight p. */
  fn gradientPart(p: i32, part: i32) -> f32 {
    let a = p / KW;
    let b = p % KW;
    var sum = 0.0;
    for (var i = part; i < ${SIDE}; i += SPLIT) {
      for (var j = 0; j < ${SIDE}; j++) {
        sum += gTile[i * ${SIDE} + j] * xTile[(i + a) * HALO_COLS + j + b];
      }
    }
    return sum;
  }

  fn main() {
    let li = i32(localIndex);
    let imgRows = uniforms.imgShape.x;
    let imgCols = uniforms.imgShape.y;
    let outRows = uniforms.tgtShape.x;
    let outCols = uniforms.tgtShape.y;
    let row0 = i32(workgroupId.y) * ${SIDE};
    let col0 = i32(workgroupId.x) * ${SIDE};
    for (var i = li; i < ${haloRows * haloCols}; i += ${THREADS}) {
      let r = row0 + i / HALO_COLS;
      let c = col0 + i % HALO_COLS;
      var v = 0.0;
      if (r < imgRows && c < imgCols) {
        v = img[r * imgCols + c];
      }
      xTile[i] = v;
    }
    for (var i = li; i < KK; i += ${THREADS}) {
      wTile[i] = state[OFF_PARAMS + ${effectiveIndexWgsl(mode, 'i')}];
    }
    let bias = state[OFF_PARAMS + KK];
    workgroupBarrier();

    let ly = i32(localId.y);
    let lx = i32(localId.x);
    var acc = 0.0;
    for (var a = 0; a < KH; a++) {
      for (var b = 0; b < KW; b++) {
        acc += xTile[(ly + a) * HALO_COLS + lx + b] * wTile[a * KW + b];
      }
    }
    let row = row0 + ly;
    let col = col0 + lx;
    var g = 0.0;
    var squared = 0.0;
    if (row < outRows && col < outCols) {
      let z = acc + bias;
      let residual = ${activationWgsl(activation, 'z')} - tgt[row * outCols + col];
      squared = residual * residual;
      g = ${relu ? 'select(2.0 * residual * uniforms.lossScale, 0.0, z <= 0.0)' : '2.0 * residual * uniforms.lossScale'};
    }
    gTile[li] = g;
    red[li] = vec2<f32>(squared, g);
    workgroupBarrier();
    ${TREE_REDUCE_WGSL}
    let base = i32(workgroupId.y * numWorkgroups.x + workgroupId.x) * (KK + 2);
    ${gradientPhase}
    if (li == 0) {
      result[base + KK] = red[0].y;
      result[base + KK + 1] = red[0].x * uniforms.lossScale;
    }
  }
`;
  }
}
