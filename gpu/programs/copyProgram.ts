/**
 * A plain vec4 copy: the bandwidth roofline for the benchmark. Any kernel that reads its
 * input and writes its output once can at best match this over the same bytes.
 */
import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';

const WORKGROUP = 256;

export class CopyProgram implements WebGPUProgram {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout = { x: [0] };
  dispatch: [number, number, number];
  variableNames = ['src'];
  workgroupSize: [number, number, number] = [WORKGROUP, 1, 1];
  outputComponent = 4;
  variableComponents = [4];
  size = true;

  /** `length` floats, a multiple of 4. */
  constructor(length: number) {
    if (length % 4 !== 0) throw new Error('CopyProgram copies whole vec4s: length must be a multiple of 4');
    this.outputShape = [length];
    this.dispatch = [Math.ceil(length / 4 / WORKGROUP), 1, 1];
    this.shaderKey = `ks_copy_vec4_wg${WORKGROUP}`;
  }

  getUserCode(): string {
    return `
  fn main(index: i32) {
    if (index < uniforms.size) {
      result[index] = src[index];
    }
  }
`;
  }
}
