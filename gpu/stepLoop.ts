/**
 * What both GPU trainers (trainer.ts, one kernel; layerTrainer.ts, the full layer) share:
 * their storage buffers, the uniforms of the reduce/update pass (wgslSnippets.ts
 * `reduceUpdateWgsl`) and the run loop that submits steps in chunks of the loss buffer's
 * capacity and reads the whole state back after each.
 */
import { KernelStudioError } from '#core/errors';
import { UPDATE_COEFFICIENTS, optimizerOf } from '#core/optimizers';
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

/** The run's update coefficients (float64 on the host, then float32), in OPTIMIZER_UNIFORMS order. */
export function optimizerUniforms(o: OptimizerSpec): Uniform[] {
  const coefficients = optimizerOf(o).coefficients(o);
  return UPDATE_COEFFICIENTS.map((name) => ({ type: 'float32', data: [coefficients[name]] }));
}

/** The scalars of 1-based update `step` (core/optimizers.ts, in float64) as uniforms: stepSize, sqrtCorrection2. */
export function stepScalarUniforms(o: OptimizerSpec, step: number): Uniform[] {
  const { stepSize, sqrtCorrection2 } = optimizerOf(o).scalars(o, step);
  return [
    { type: 'float32', data: [stepSize] },
    { type: 'float32', data: [sqrtCorrection2] },
  ];
}

/**
 * Steps first … first + n − 1's scalars as the one-dispatch loop reads them from the state's
 * stepScalars region: (stepSize, sqrtCorrection2) per step.
 */
export function stepScalarTable(o: OptimizerSpec, first: number, n: number): Float32Array<ArrayBuffer> {
  const definition = optimizerOf(o);
  const table = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    const { stepSize, sqrtCorrection2 } = definition.scalars(o, first + i);
    table[2 * i] = stepSize;
    table[2 * i + 1] = sqrtCorrection2;
  }
  return table;
}

/** The reduce/update pass's uniforms (REDUCE_UPDATE_UNIFORMS) for 1-based `step` at loss slot `slot`. */
export function reduceUpdateUniforms(
  o: OptimizerSpec,
  groups: number,
  step: number,
  slot: number,
): Uniform[] {
  return [
    { type: 'int32', data: [groups] },
    { type: 'int32', data: [step] },
    { type: 'int32', data: [slot] },
    ...stepScalarUniforms(o, step),
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
