/**
 * What both reduce/update programs (trainReduceUpdateProgram, layerReduceUpdateProgram) are
 * to tfjs: one workgroup of `threads` over the training state (`result`), reading the partial
 * sums `parts`, with the uniforms `reduceUpdateUniforms` fills. Each writes its own sum and
 * calls the shared end of a step (wgslSnippets.ts `reduceUpdateWgsl`).
 */
import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import type { OptimizerKind } from '#core/types';
import type { StateLayout } from '../stateLayout';
import { REDUCE_UPDATE_UNIFORMS } from '../wgslSnippets';

export abstract class ReduceUpdateProgram implements WebGPUProgram {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout = { x: [0], y: [1] };
  dispatch: [number, number, number] = [1, 1, 1];
  variableNames = ['parts'];
  uniforms = REDUCE_UPDATE_UNIFORMS;
  workgroupSize: [number, number, number];

  /** `key` names the program; the layout, optimizer, bias and thread count are added to it. */
  constructor(
    key: string,
    protected readonly threads: number,
    protected readonly layout: StateLayout,
    protected readonly optimizer: OptimizerKind,
    protected readonly useBias: boolean,
  ) {
    this.outputShape = [layout.length];
    this.workgroupSize = [threads, 1, 1];
    this.shaderKey = `${key}_w${layout.kernelSize}_p${layout.paramCount}_${optimizer}_bias${useBias}_wg${threads}`;
  }

  abstract getUserCode(): string;
}
