/**
 * (a) Forward pass `act(corr2d(X, mode(K)) + bias)`, tiled: each 16×16-thread workgroup
 * stages its input tile plus a (kh−1)×(kw−1) halo and the kernel in workgroup memory,
 * so every image value is read from global memory once per tile instead of kh·kw times.
 * Each thread computes `VX` outputs 16 columns apart (coalesced stores, more reuse).
 */
import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import type { ConvSpec } from '../stripWindow';
import type { ProgramTuning } from '../tuning';
import { tileGroupRows } from '../tuning';
import { activationWgsl, effectiveIndexWgsl } from '../wgslSnippets';

const GROUP_SIDE = 16;
/** Stays under WebGPU's default 16 KiB of workgroup memory with room to spare. */
const MAX_TILE_FLOATS = 3584;
/** Unrolled multiply-adds per thread above which the shader keeps its loops. */
const UNROLL_LIMIT = 512;

/** Outputs per thread along x: 4 while the halo tile fits in workgroup memory, else fewer. */
export function outputsPerThread(kh: number, kw: number, groupRows: number): number {
  for (const vx of [4, 2, 1]) {
    const tileFloats = (groupRows + kh - 1) * (GROUP_SIDE * vx + kw - 1) + kh * kw;
    if (tileFloats <= MAX_TILE_FLOATS) return vx;
  }
  return 1;
}

export class Corr2dForwardProgram implements WebGPUProgram {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout = { x: [1], y: [0] };
  dispatch: [number, number, number];
  variableNames = ['img', 'kern'];
  uniforms = 'bias: f32,';
  workgroupSize: [number, number, number];
  private readonly vx: number;
  /** Rows of GROUP_SIDE threads per workgroup, by tuning (tuning.ts). */
  private readonly groupRows: number;

  constructor(
    private readonly spec: ConvSpec,
    tuning: ProgramTuning = 'software',
  ) {
    const { outRows, outCols, kh, kw, mode, activation } = spec;
    this.groupRows = tileGroupRows(tuning);
    this.workgroupSize = [GROUP_SIDE, this.groupRows, 1];
    this.outputShape = [outRows, outCols];
    this.vx = outputsPerThread(kh, kw, this.groupRows);
    this.dispatch = [Math.ceil(outCols / (GROUP_SIDE * this.vx)), Math.ceil(outRows / this.groupRows), 1];
    this.shaderKey = `ks_corr2d_fwd_${tuning}_${kh}x${kw}_${mode}_${activation}_vx${this.vx}_wg${GROUP_SIDE}x${this.groupRows}_${kh * kw * this.vx > UNROLL_LIMIT ? 'loops' : 'unrolled'}`;
  }

  /**
   * Straight-line multiply-adds into scalar accumulators acc0…acc{VX−1}: no private
   * arrays (which SwiftShader and some drivers index per lane through memory) and no
   * loop counters. Above UNROLL_LIMIT statements, plain loops keep shaders small.
   */
  private accumulateWgsl(): string {
    const { kh, kw } = this.spec;
    const vx = this.vx;
    const decl = Array.from({ length: vx }, (_, v) => `var acc${v} = 0.0;`).join(' ');
    if (kh * kw * vx > UNROLL_LIMIT) {
      const body = Array.from(
        { length: vx },
        (_, v) => `acc${v} += xTile[rowBase + ${v * GROUP_SIDE} + b] * w;`,
      ).join(' ');
      return `${decl}
    for (var a = 0; a < KH; a++) {
      let rowBase = (ly + a) * HALO_COLS + lx;
      for (var b = 0; b < KW; b++) {
        let w = wTile[a * KW + b];
        ${body}
      }
    }`;
    }
    const lines = [decl];
    for (let a = 0; a < kh; a++) {
      lines.push(`let rowBase${a} = (ly + ${a}) * HALO_COLS + lx;`);
      for (let b = 0; b < kw; b++) {
        lines.push(`let w${a}_${b} = wTile[${a * kw + b}];`);
        for (let v = 0; v < vx; v++)
          lines.push(`acc${v} += xTile[rowBase${a} + ${v * GROUP_SIDE + b}] * w${a}_${b};`);
      }
    }
    return lines.join('\n    ');
  }

  private storeWgsl(v: number): string {
    return `{
        let col = col0 + ${v * GROUP_SIDE} + lx;
        if (col < outCols) {
          let z = acc${v} + uniforms.bias;
          result[row * outCols + col] = ${activationWgsl(this.spec.activation, 'z')};
        }
      }`;
  }

  getUserCode(): string {
    const { kh, kw, mode } = this.spec;
    const vx = this.vx;
    const tileCols = GROUP_SIDE * vx;
    const haloRows = this.groupRows + kh - 1;
    const haloCols = tileCols + kw - 1;
    return `
  const KH = ${kh};
  const KW = ${kw};
  const KK = ${kh * kw};
  const HALO_ROWS = ${haloRows};
  const HALO_COLS = ${haloCols};
  var<workgroup> xTile: array<f32, ${haloRows * haloCols}>;
  var<workgroup> wTile: array<f32, ${kh * kw}>;

  fn main() {
    let li = i32(localIndex);
    let imgRows = uniforms.imgShape.x;
    let imgCols = uniforms.imgShape.y;
    let outRows = uniforms.outShape.x;
    let outCols = uniforms.outShape.y;
    let row0 = i32(workgroupId.y) * ${this.groupRows};
    let col0 = i32(workgroupId.x) * ${tileCols};
    for (var i = li; i < HALO_ROWS * HALO_COLS; i += ${GROUP_SIDE * this.groupRows}) {
      let r = row0 + i / HALO_COLS;
      let c = col0 + i % HALO_COLS;
      var v = 0.0;
      if (r < imgRows && c < imgCols) {
        v = img[r * imgCols + c];
      }
      xTile[i] = v;
    }
    for (var i = li; i < KK; i += ${GROUP_SIDE * this.groupRows}) {
      wTile[i] = kern[${effectiveIndexWgsl(mode, 'i')}];
    }
    workgroupBarrier();

    let ly = i32(localId.y);
    let lx = i32(localId.x);
    ${this.accumulateWgsl()}
    let row = row0 + ly;
    if (row < outRows) {
      ${Array.from({ length: vx }, (_, v) => this.storeWgsl(v)).join('\n')}
    }
  }
`;
  }
}
