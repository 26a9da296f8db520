/**
 * Our tfjs programs, dispatched with raw WebGPU on tfjs's device. tfjs compiles each program
 * (its WGSL preamble, its pipeline cache), but every `runWebGPUProgram` call also builds a
 * bind group, packs and uploads a uniform buffer and does its own bookkeeping: ~45 µs of JS per
 * dispatch, far more than a training step's GPU work on a real GPU. A `RawProgram` is compiled
 * once and its bind groups are built once; encoding a dispatch is then three calls.
 *
 * The uniform block is laid out exactly as tfjs 4.22 lays it out (backend_webgpu.js,
 * `recordAndSubmit` + `makeUniforms`), so the same shader reads the same values: results are
 * bit-identical to the tfjs path.
 */
import type { WebGPUBackend, WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { env, util } from '@tensorflow/tfjs-core';

/** A uniform as tfjs's `runWebGPUProgram` takes it (so the same list serves both dispatch paths). */
export interface Uniform {
  readonly type: 'float32' | 'int32';
  readonly data: number[];
}

/** Uniform blocks of successive dispatches sit this far apart (WebGPU's minUniformBufferOffsetAlignment default). */
export const UNIFORM_STRIDE = 256;

/** WGSL's alignment of an i32/f32 vector of `length` components, as tfjs's makeUniforms computes it. */
function alignmentOf(length: number, previous: number): number {
  if (previous === 5 || previous === 6) return 16;
  return length === 1 ? 4 : length === 2 ? 8 : 16;
}

/** The byte offset of each uniform and the block's size, by tfjs's rules (empty vectors count as [1]). */
export function uniformLayout(lengths: readonly number[]): { offsets: number[]; byteLength: number } {
  let offset = 0;
  let previous = 0;
  let maxAlign = 1;
  const offsets = lengths.map((raw) => {
    const length = Math.max(1, raw);
    const align = alignmentOf(length, previous);
    maxAlign = Math.max(maxAlign, align);
    offset = Math.ceil(offset / align) * align;
    previous = length;
    const at = offset;
    offset += length * 4;
    return at;
  });
  return { offsets, byteLength: Math.ceil(offset / maxAlign) * maxAlign };
}

/** Writes `uniforms` at `base` in `view`, at `offsets` (from `uniformLayout`). */
export function packUniforms(
  uniforms: readonly Uniform[],
  view: DataView,
  base: number,
  offsets: readonly number[] = uniformLayout(uniforms.map((u) => u.data.length)).offsets,
): void {
  for (let i = 0; i < uniforms.length; i++) {
    const { type, data } = uniforms[i];
    const at = base + offsets[i];
    if (data.length === 0) view.setInt32(at, 1, true);
    for (let j = 0; j < data.length; j++) {
      if (type === 'int32') view.setInt32(at + 4 * j, data[j], true);
      else view.setFloat32(at + 4 * j, data[j], true);
    }
  }
}

type TfjsInternals = { pipelineCache: Record<string, GPUComputePipeline | Promise<GPUComputePipeline>> };

export class RawProgram {
  private constructor(
    private readonly device: GPUDevice,
    readonly pipeline: GPUComputePipeline,
    readonly dispatch: readonly [number, number, number],
    /** tfjs's own uniforms: NaN, Infinity, each buffer's shape and strides, the size. */
    private readonly fixed: readonly Uniform[],
    private readonly buffers: readonly GPUBuffer[],
  ) {}

  /** Offsets of the program's own uniforms, computed on first use (their lengths never change). */
  private definedOffsets: number[] | null = null;
  /** tfjs's own uniform values, packed once; copied in front of each dispatch's values. */
  private fixedBytes: Uint8Array | null = null;

  /**
   * Compiles `program` through tfjs (compile-only: nothing is dispatched) for these inputs and
   * output, which must be tfjs tensors over our own buffers (`createTensorFromGPUData`).
   */
  static async compile(
    tfb: WebGPUBackend,
    program: WebGPUProgram,
    inputs: readonly TensorInfo[],
    output: TensorInfo,
    buffers: { readonly inputs: readonly GPUBuffer[]; readonly output: GPUBuffer },
  ): Promise<RawProgram> {
    const flags = env();
    const compileOnly = flags.getBool('WEBGPU_ENGINE_COMPILE_ONLY');
    flags.set('WEBGPU_ENGINE_COMPILE_ONLY', true);
    try {
      tfb.runWebGPUProgram(program, [...inputs], 'float32', undefined, output);
    } finally {
      flags.set('WEBGPU_ENGINE_COMPILE_ONLY', compileOnly);
    }
    await tfb.checkCompileCompletionAsync();
    const pipeline = (tfb as unknown as TfjsInternals).pipelineCache[program.shaderKey] as GPUComputePipeline;
    const fixed: Uniform[] = [
      { type: 'float32', data: [NaN] },
      { type: 'float32', data: [Infinity] },
    ];
    for (const t of [...inputs, output]) {
      fixed.push({ type: 'int32', data: t.shape }, { type: 'int32', data: util.computeStrides(t.shape) });
    }
    if (program.size) {
      const size = util.sizeFromShape(program.outputShape);
      fixed.push({ type: 'int32', data: [program.outputComponent ? size / program.outputComponent : size] });
    }
    const [x, y, z] = program.dispatch;
    return new RawProgram(tfb.device, pipeline, [x, y, z], fixed, [buffers.output, ...buffers.inputs]);
  }

  /**
   * Writes this program's uniform block, with `defined` after tfjs's own values, at `base`.
   * Throws if the block would not fit in UNIFORM_STRIDE bytes.
   */
  writeUniforms(view: DataView, base: number, defined: readonly Uniform[]): void {
    if (!this.definedOffsets || !this.fixedBytes) {
      const all = [...this.fixed, ...defined];
      const layout = uniformLayout(all.map((u) => u.data.length));
      if (layout.byteLength > UNIFORM_STRIDE)
        throw new Error(`a uniform block of ${layout.byteLength} bytes exceeds ${UNIFORM_STRIDE}`);
      this.definedOffsets = layout.offsets.slice(this.fixed.length);
      const fixedEnd = this.fixed.length < all.length ? layout.offsets[this.fixed.length] : layout.byteLength;
      const scratch = new DataView(new ArrayBuffer(layout.byteLength));
      packUniforms(this.fixed, scratch, 0, layout.offsets);
      this.fixedBytes = new Uint8Array(scratch.buffer, 0, fixedEnd);
    }
    new Uint8Array(view.buffer, view.byteOffset + base, this.fixedBytes.length).set(this.fixedBytes);
    packUniforms(defined, view, base, this.definedOffsets);
  }

  /** The bind group tfjs would build: output, inputs, then the uniform block at `offset`. */
  bindGroup(uniforms: GPUBuffer, offset: number, size: number): GPUBindGroup {
    const entries: GPUBindGroupEntry[] = this.buffers.map((buffer, i) => ({
      binding: i,
      resource: { buffer },
    }));
    entries.push({ binding: entries.length, resource: { buffer: uniforms, offset, size } });
    return this.device.createBindGroup({ layout: this.pipeline.getBindGroupLayout(0), entries });
  }

  encode(pass: GPUComputePassEncoder, bindGroup: GPUBindGroup): void {
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(...this.dispatch);
  }
}
