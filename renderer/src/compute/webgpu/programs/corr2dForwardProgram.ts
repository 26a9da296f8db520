/**
 * (a) Forward pass `act(corr2d(X, mode(K)) + bias)`, tiled: each 16×16-thread workgroup
 * stages its input tile plus a (kh−1)×(kw−1) halo and the kernel in workgroup memory,
 * so every image value is read from global memory once per tile instead of kh·kw times.
 * Each thread computes `VX` outputs 16 columns apart (coalesced stores, more reuse).
 */
import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import type { Activation, Mode } from '../../../../../core/types';
import { activationWgsl, effectiveIndexWgsl } from '../wgslSnippets';

const GROUP_SIDE = 16;
/** Stays under WebGPU's default 16 KiB of workgroup memory with room to spare. */
const MAX_TILE_FLOATS = 3584;

/** Outputs per thread along x: 4 while the halo tile fits in workgroup memory, else fewer. */
export function outputsPerThread(kh: number, kw: number): number {
  for (const vx of [4, 2, 1]) {
    const tileFloats = (GROUP_SIDE + kh - 1) * (GROUP_SIDE * vx + kw - 1) + kh * kw;
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
  workgroupSize: [number, number, number] = [GROUP_SIDE, GROUP_SIDE, 1];
  private readonly vx: number;

  constructor(
    outRows: number,
    outCols: number,
    private readonly kh: number,
    private readonly kw: number,
    private readonly mode: Mode,
    private readonly activation: Activation,
  ) {
    this.outputShape = [outRows, outCols];
    this.vx = outputsPerThread(kh, kw);
    this.dispatch = [Math.ceil(outCols / (GROUP_SIDE * this.vx)), Math.ceil(outRows / GROUP_SIDE), 1];
    this.shaderKey = `ks_corr2d_fwd_${kh}x${kw}_${mode}_${activation}_vx${this.vx}_wg${GROUP_SIDE}`;
  }

  getUserCode(): string {
    const { kh, kw, vx } = this;
    const tileCols = GROUP_SIDE * vx;
    const haloRows = GROUP_SIDE + kh - 1;
    const haloCols = tileCols + kw - 1;
    return `
  const KH = ${kh};
  const KW = ${kw};
  const KK = ${kh * kw};
  const VX = ${vx};
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
    let row0 = i32(workgroupId.y) * ${GROUP_SIDE};
    let col0 = i32(workgroupId.x) * ${tileCols};
    for (var i = li; i < HALO_ROWS * HALO_COLS; i += ${GROUP_SIDE * GROUP_SIDE}) {
      let r = row0 + i / HALO_COLS;
      let c = col0 + i % HALO_COLS;
      var v = 0.0;
      if (r < imgRows && c < imgCols) {
        v = img[r * imgCols + c];
      }
      xTile[i] = v;
    }
    for (var i = li; i < KK; i += ${GROUP_SIDE * GROUP_SIDE}) {
      wTile[i] = kern[${effectiveIndexWgsl(this.mode, 'i')}];
    }
    workgroupBarrier();

    let ly = i32(localId.y);
    let lx = i32(localId.x);
    var acc: array<f32, VX>;
    for (var a = 0; a < KH; a++) {
      let rowBase = (ly + a) * HALO_COLS + lx;
      for (var b = 0; b < KW; b++) {
        let w = wTile[a * KW + b];
        for (var v = 0; v < VX; v++) {
          acc[v] = acc[v] + xTile[rowBase + v * ${GROUP_SIDE} + b] * w;
        }
      }
    }
    let row = row0 + ly;
    if (row < outRows) {
      for (var v = 0; v < VX; v++) {
        let col = col0 + v * ${GROUP_SIDE} + lx;
        if (col < outCols) {
          let z = acc[v] + uniforms.bias;
          result[row * outCols + col] = ${activationWgsl(this.activation, 'z')};
        }
      }
    }
  }
`;
  }
}
