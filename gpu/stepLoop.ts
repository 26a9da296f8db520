/**
 * What both GPU trainers (trainer.ts, one kernel; layerTrainer.ts, the full layer) share:
 * their storage buffers, the uniforms of the reduce/update pass (wgslSnippets.ts
 * `reduceUpdateWgsl`) and the run loop that submits steps in chunks of the loss buffer's
 * capacity and reads the whole state back after each.
 */
import { KernelStudioError } from '#core/errors';
import type { DivergenceInfo, OptimizerSpec, TrainChunk } from '#core/types';
import { checkSteps } from '#core/validate';
import type { GpuContext } from './context';
import { withErrorScopes } from './context';
import type { Uniform } from './rawProgram';
import type { StateLayout } from './stateLayout';
import { HEADER_DIVERGED_LOSS, HEADER_DIVERGED_STEP } from './stateLayout';

/** A storage buffer holding `data` (readable and writable by our programs, copyable both ways). */
export function uploadStorage(device: GPUDevice, data: Float32Array): GPUBuffer {
  const buffer = device.createBuffer({
    size: Math.max(16, data.byteLength),
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
    mappedAtCreation: true,
  });
  new Float32Array(buffer.getMappedRange(), 0, data.length).set(data);
  buffer.unmap();
  return buffer;
}

/** The optimizer's constants, in the order OPTIMIZER_UNIFORMS declares them (PyTorch's defaults). */
export function optimizerUniforms(o: OptimizerSpec): Uniform[] {
  return [o.momentum ?? 0.9, o.beta1 ?? 0.9, o.beta2 ?? 0.999, o.eps ?? 1e-8].map((v) => ({
    type: 'float32',
    data: [v],
  }));
}

/**
 * The reduce/update pass's uniforms (REDUCE_UPDATE_UNIFORMS) for 1-based `step` at loss slot
 * `slot`: SGD and momentum step by lr; Adam by lr / (1 − β1^t), with √(1 − β2^t).
 */
export function reduceUpdateUniforms(
  o: OptimizerSpec,
  groups: number,
  step: number,
  slot: number,
): Uniform[] {
  const adam = o.kind === 'adam';
  const stepSize = adam ? o.lr / (1 - (o.beta1 ?? 0.9) ** step) : o.lr;
  const sqrtCorrection2 = adam ? Math.sqrt(1 - (o.beta2 ?? 0.999) ** step) : 1;
  return [
    { type: 'int32', data: [groups] },
    { type: 'int32', data: [step] },
    { type: 'int32', data: [slot] },
    { type: 'float32', data: [stepSize] },
    { type: 'float32', data: [sqrtCorrection2] },
    ...optimizerUniforms(o),
  ];
}

/** Where a GPU run stands between chunks. */
export interface RunPosition {
  readonly step: number;
  readonly diverged: DivergenceInfo | undefined;
}

/**
 * Runs up to `steps` steps in chunks: `encode(first, n)` encodes n steps from 1-based step
 * `first` and queues the state's readback behind them (in flight while the error scopes are
 * popped); `advance` takes each chunk's state as soon as it is read, so a later chunk's failure
 * (a lost device) leaves the trainer at the last chunk that completed. Divergence is read from
 * the state's header, where the GPU decided it.
 */
export async function runInChunks(
  ctx: GpuContext,
  layout: Pick<StateLayout, 'lossCapacity' | 'losses'>,
  from: RunPosition,
  steps: number,
  encode: (first: number, n: number) => Promise<Float32Array>,
  advance: (state: Float32Array, position: RunPosition) => void,
): Promise<TrainChunk> {
  checkSteps(steps);
  let { step, diverged } = from;
  const firstStep = step + 1;
  if (diverged) return { firstStep, losses: new Float64Array(0), diverged };
  const losses: number[] = [];
  for (let remaining = steps; remaining > 0 && !diverged;) {
    const n = Math.min(remaining, layout.lossCapacity);
    const chunkFirst = step + 1;
    const reading = await withErrorScopes(ctx, { kind: 'steps' }, () => {
      const read = encode(chunkFirst, n);
      read.catch(() => {}); // if the scopes throw, that error is the one reported
      return { read };
    });
    const state = await reading.read;
    const divergedAt = state[HEADER_DIVERGED_STEP];
    const accepted = divergedAt > 0 ? divergedAt - chunkFirst : n;
    for (let i = 0; i < accepted; i++) losses.push(state[layout.losses + i]);
    step += accepted;
    if (divergedAt > 0) diverged = { step: divergedAt, loss: state[HEADER_DIVERGED_LOSS] };
    advance(state, { step, diverged });
    remaining -= n;
  }
  return { firstStep, losses: Float64Array.from(losses), ...(diverged ? { diverged } : {}) };
}

/**
 * Where a GPU trainer's run stands (the state mirrored from the GPU, the step, divergence) and
 * how it moves on: `runChunks` for `run(n)`, `checkAlive` before any GPU work.
 */
export abstract class GpuRun {
  /** The last state read back from the GPU (float32, as the GPU holds it). */
  protected mirror: Float32Array;
  protected step: number;
  protected diverged: DivergenceInfo | undefined;
  protected disposed = false;

  protected constructor(
    protected readonly ctx: GpuContext,
    initial: Float32Array,
    from: RunPosition = { step: 0, diverged: undefined },
  ) {
    this.mirror = initial;
    this.step = from.step;
    this.diverged = from.diverged;
  }

  /** `runInChunks` from where the run stands, taking each chunk's state as it arrives. */
  protected async runChunks(
    layout: Pick<StateLayout, 'lossCapacity' | 'losses'>,
    steps: number,
    encode: (first: number, n: number) => Promise<Float32Array>,
  ): Promise<TrainChunk> {
    this.checkAlive();
    const from = { step: this.step, diverged: this.diverged };
    return runInChunks(this.ctx, layout, from, steps, encode, (state, { step, diverged }) => {
      this.mirror = state;
      this.step = step;
      this.diverged = diverged;
    });
  }

  protected checkAlive(): void {
    if (this.disposed)
      throw new KernelStudioError('invalid-argument', 'This training run was closed; start a new one.');
    this.ctx.assertAlive();
  }
}
