/**
 * The one-kernel specialization of the layer engine on WebGPU: a layer with one input and one
 * output channel, stride 1, no padding and no dilation (`isSingleKernelLayer`) trains here, on
 * programs written for that shape (named `ks_train_single_wg_…`, `ks_train_partials…`,
 * `ks_train_strip…` in their shaderKeys); every other layer runs layerTrainer.ts. Both
 * implement `LayerTrainer` over the same parameter vector [W…, b], so runs move between them.
 *
 * All mutable state lives in one GPU buffer (see stateLayout.ts);
 * `run(n)` encodes up to LOSS_CAPACITY steps per submission — either 2 dispatches per
 * step (tiled partials + reduce/update) or, for small images, a single dispatch that
 * loops over all steps — then reads the state back ONCE: losses, divergence flag,
 * weights, gradients and optimizer moments. That readback is also the CPU mirror that
 * survives a device loss.
 *
 * The programs are compiled by tfjs but dispatched raw on its device (rawProgram.ts):
 * pipelines, bind groups and the uniform buffer are built once per trainer, a run writes
 * every step's uniforms with one writeBuffer and encodes its steps into one compute pass.
 */
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { KernelStudioError } from '#core/errors';
import { isSingleChannelValid } from '#core/layer';
import type { LayerTrainConfig, LayerTrainer, LayerTrainSnapshot } from '#core/layer-types';
import type { Matrix } from '#core/matrix';
import type {
  Activation,
  BackendKind,
  DivergenceInfo,
  Mode,
  OptimizerSpec,
  LossKind,
  TrainChunk,
  TrainerResumeState,
} from '#core/types';
import { checkLayerTrainConfig } from '#core/validate';
import { layerSnapshotOf } from '#core/train/resume';
import { channel } from '#core/tensor';
import type { GpuContext } from './context';
import { raceLost, withErrorScopes } from './context';
import { GpuRun, optimizerUniforms, reduceUpdateUniforms, stepScalarTable, uploadStorage } from './stepLoop';
import { lossScale } from '#core/optimizers';
import { TrainPartialsProgram, partialsGroups } from './programs/trainPartialsProgram';
import {
  TrainStripPartialsProgram,
  fitsStripTraining,
  stripPartialsShape,
} from './programs/trainStripPartialsProgram';
import { TrainReduceUpdateProgram } from './programs/trainReduceUpdateProgram';
import { TrainSingleWorkgroupProgram, fitsSingleWorkgroup } from './programs/trainSingleWorkgroupProgram';
import type { Uniform } from './rawProgram';
import { RawProgram, UNIFORM_STRIDE } from './rawProgram';
import type { StateLayout } from './stateLayout';
import { readResumeState, stateLayout, writeResumeState } from './stateLayout';
import type { ConvSpec } from './stripWindow';

/** Which program family runs a one-kernel layer: the one-dispatch loop or the tiled two-dispatch step. */
export type TrainPath = 'single-workgroup' | 'tiled';

/** Whether this trainer takes a layer: one channel in and out, the "valid" geometry. */
export const isSingleKernelLayer = (config: Pick<LayerTrainConfig, 'spec'>): boolean =>
  isSingleChannelValid(config.spec);

/** The one-kernel problem, as the programs see it (X and Y one channel, K one kernel). */
interface KernelProblem {
  readonly x: Matrix;
  readonly y: Matrix;
  readonly kernel: Matrix;
  readonly initBias: number;
  readonly mode: Mode;
  readonly activation: Activation;
  readonly useBias: boolean;
  readonly loss: LossKind;
  readonly optimizer: OptimizerSpec;
}

function kernelProblem(config: LayerTrainConfig): KernelProblem {
  const w = config.initWeight;
  return {
    x: channel(config.x, 0),
    y: channel(config.y, 0),
    kernel: { rows: w.rows, cols: w.cols, data: w.data },
    initBias: config.initBias[0],
    mode: config.spec.mode,
    activation: config.spec.activation,
    useBias: config.useBias,
    loss: config.loss,
    optimizer: config.optimizer,
  };
}

export function chooseTrainPath(config: LayerTrainConfig): TrainPath {
  const { x, initWeight: w } = config;
  return fitsSingleWorkgroup(x.rows, x.cols, w.rows, w.cols) ? 'single-workgroup' : 'tiled';
}

interface GpuResources {
  readonly buffers: GPUBuffer[];
  readonly tensors: { dispose(): void }[];
  readonly img: TensorInfo;
  readonly tgt: TensorInfo;
  readonly state: TensorInfo;
  readonly parts: TensorInfo | null;
  readonly stateBuffer: GPUBuffer;
  readonly partsBuffer: GPUBuffer | null;
}

/** The compiled programs of a run and their bind groups (built once per trainer). */
interface RawPlan {
  /** single-workgroup: the whole loop; tiled: the partials pass. Its uniforms sit in slot 0. */
  readonly first: RawProgram;
  readonly firstGroup: GPUBindGroup;
  /** tiled: the reduce/update pass, one uniform slot (and bind group) per step of a submission. */
  readonly update: RawProgram | null;
  readonly updateGroups: GPUBindGroup[];
  /** tiled: partial rows the update sums. */
  readonly partialRows: number;
  readonly uniforms: GPUBuffer;
}

export class WebGpuTrainer extends GpuRun implements LayerTrainer {
  readonly backend: BackendKind = 'webgpu';
  readonly path: TrainPath;
  private readonly layout: StateLayout;
  /** Output size, kernel size, mode and activation: what the tiled path's programs compute. */
  private readonly spec: ConvSpec;

  private constructor(
    ctx: GpuContext,
    private readonly config: LayerTrainConfig,
    private readonly problem: KernelProblem,
    private readonly res: GpuResources,
    private readonly plan: RawPlan,
    initial: Float32Array,
    step: number,
    diverged: DivergenceInfo | undefined,
    path: TrainPath,
  ) {
    super(ctx, initial, { step, diverged });
    this.layout = stateLayout(problem.kernel.rows, problem.kernel.cols);
    this.spec = convSpec(problem);
    this.path = path;
  }

  /** Uploads X, Y and the initial state (fresh, or `resume`'s, optimizer moments included). */
  static async create(
    ctx: GpuContext,
    config: LayerTrainConfig,
    resume?: TrainerResumeState,
    forcedPath?: TrainPath,
  ): Promise<WebGpuTrainer> {
    checkLayerTrainConfig(config);
    if (!isSingleKernelLayer(config))
      throw new KernelStudioError(
        'invalid-argument',
        'This trainer takes one channel in and out, with stride 1, no padding and no dilation.',
      );
    const problem = kernelProblem(config);
    const { x, y, kernel } = problem;
    const layout = stateLayout(kernel.rows, kernel.cols);
    const initial = initialState(layout, problem, resume);
    const path = forcedPath ?? chooseTrainPath(config);
    const partsLength = path === 'tiled' ? partialRows(convSpec(problem)) * (layout.kernelSize + 2) : 0;
    const tfb = ctx.tfBackend;
    const res = await withErrorScopes(ctx, { kind: 'training', rows: x.rows, cols: x.cols }, () => {
      const upload = (data: Float32Array): GPUBuffer => uploadStorage(ctx.device, data);
      const imgBuffer = upload(x.data);
      const tgtBuffer = upload(y.data);
      const stateBuffer = upload(initial);
      const partsBuffer = partsLength > 0 ? upload(new Float32Array(partsLength)) : null;
      const wrap = (buffer: GPUBuffer, shape: number[]) =>
        tfb.createTensorFromGPUData({ buffer, zeroCopy: true }, shape, 'float32');
      const img = wrap(imgBuffer, [x.rows, x.cols]);
      const tgt = wrap(tgtBuffer, [y.rows, y.cols]);
      const state = wrap(stateBuffer, [layout.length]);
      const parts = partsBuffer ? wrap(partsBuffer, [partsLength]) : null;
      return {
        buffers: [imgBuffer, tgtBuffer, stateBuffer, ...(partsBuffer ? [partsBuffer] : [])],
        tensors: [img, tgt, state, ...(parts ? [parts] : [])],
        img,
        tgt,
        state,
        parts,
        stateBuffer,
        partsBuffer,
      };
    });
    const plan = await compilePlan(ctx, problem, layout, path, res);
    return new WebGpuTrainer(
      ctx,
      config,
      problem,
      res,
      plan,
      initial,
      resume?.step ?? 0,
      resume?.diverged,
      path,
    );
  }

  async run(steps: number): Promise<TrainChunk> {
    return this.runChunks(this.layout, steps, (first, n) => this.encodeSteps(first, n));
  }

  async snapshot(): Promise<LayerTrainSnapshot> {
    this.checkAlive();
    return layerSnapshotOf(this.exportState(), this.config.initWeight);
  }

  /** The state as of the last completed `run` (no GPU access: works after a device loss). */
  exportState(): TrainerResumeState {
    return readResumeState(this.mirror, this.layout, this.step, this.diverged);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const t of this.res.tensors) t.dispose();
    for (const b of this.res.buffers) b.destroy();
    this.plan.uniforms.destroy();
  }

  /**
   * Writes the uniforms of `n` steps from step `first`, encodes them into one compute pass,
   * queues the state's readback behind them and submits; resolves with the state.
   */
  private encodeSteps(first: number, n: number): Promise<Float32Array> {
    const { plan, ctx } = this;
    const slots = plan.update ? n + 1 : 1;
    const data = new DataView(new ArrayBuffer(slots * UNIFORM_STRIDE));
    if (plan.update) {
      plan.first.writeUniforms(data, 0, this.partialsUniforms());
      for (let i = 0; i < n; i++)
        plan.update.writeUniforms(data, (i + 1) * UNIFORM_STRIDE, this.updateUniforms(first + i, i));
    } else {
      plan.first.writeUniforms(data, 0, this.singleWorkgroupUniforms(first, n));
      const table = stepScalarTable(this.problem.optimizer, first, n);
      ctx.device.queue.writeBuffer(this.res.stateBuffer, this.layout.stepScalars * 4, table);
    }
    ctx.device.queue.writeBuffer(plan.uniforms, 0, data.buffer, 0, data.byteLength);

    const encoder = ctx.device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    if (plan.update) {
      for (let i = 0; i < n; i++) {
        plan.first.encode(pass, plan.firstGroup);
        plan.update.encode(pass, this.updateGroup(i));
      }
    } else plan.first.encode(pass, plan.firstGroup);
    pass.end();
    // Only what a chunk changes: header, parameters, gradients, moments and its n losses.
    const bytes = (this.layout.losses + n) * 4;
    const staging = ctx.device.createBuffer({
      size: bytes,
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
    encoder.copyBufferToBuffer(this.res.stateBuffer, 0, staging, 0, bytes);
    ctx.device.queue.submit([encoder.finish()]);
    return this.readStaging(staging);
  }

  /** The update pass's bind group for uniform slot `i` (built on first use, then kept). */
  private updateGroup(i: number): GPUBindGroup {
    const { plan } = this;
    plan.updateGroups[i] ??= (plan.update as RawProgram).bindGroup(
      plan.uniforms,
      (i + 1) * UNIFORM_STRIDE,
      UNIFORM_STRIDE,
    );
    return plan.updateGroups[i];
  }

  private singleWorkgroupUniforms(first: number, n: number): Uniform[] {
    const { problem } = this;
    return [
      { type: 'int32', data: [n] },
      { type: 'int32', data: [first] },
      { type: 'float32', data: [this.lossScale()] },
      ...optimizerUniforms(problem.optimizer),
    ];
  }

  private partialsUniforms(): Uniform[] {
    const lossScale: Uniform = { type: 'float32', data: [this.lossScale()] };
    const { spec } = this;
    if (!fitsStripTraining(spec.kh, spec.kw)) return [lossScale];
    const rowsPerThread = stripPartialsShape(spec.outRows, spec.outCols, spec.kh).rowsPerThread;
    return [lossScale, { type: 'int32', data: [rowsPerThread] }];
  }

  private updateUniforms(step: number, slot: number): Uniform[] {
    return reduceUpdateUniforms(this.problem.optimizer, this.plan.partialRows, step, slot);
  }

  private lossScale(): number {
    return lossScale(this.problem.loss, this.spec.outRows * this.spec.outCols);
  }

  /** Maps the staging copy of the state (raced against device loss), copies it out, frees it. */
  private async readStaging(staging: GPUBuffer): Promise<Float32Array> {
    try {
      await raceLost(this.ctx, staging.mapAsync(GPUMapMode.READ));
      const values = new Float32Array(this.layout.length);
      values.set(new Float32Array(staging.getMappedRange()));
      return values;
    } finally {
      staging.destroy();
    }
  }
}

/** Compiles the path's programs through tfjs and builds their bind groups and uniform buffer. */
async function compilePlan(
  ctx: GpuContext,
  config: KernelProblem,
  layout: StateLayout,
  path: TrainPath,
  res: GpuResources,
): Promise<RawPlan> {
  const tfb = ctx.tfBackend;
  const spec = convSpec(config);
  const { img, tgt, state } = res;
  const inputBuffers = (res.buffers as GPUBuffer[]).slice(0, 2);
  const slots = path === 'tiled' ? layout.lossCapacity + 1 : 1;
  const uniforms = ctx.device.createBuffer({
    size: slots * UNIFORM_STRIDE,
    usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
  });
  if (path === 'single-workgroup') {
    const program = new TrainSingleWorkgroupProgram(
      spec.outRows * spec.outCols,
      spec.kh,
      spec.kw,
      config.mode,
      config.activation,
      config.optimizer.kind,
      config.useBias,
      layout,
    );
    const first = await RawProgram.compile(tfb, program, [img, tgt], state, {
      inputs: inputBuffers,
      output: res.stateBuffer,
    });
    return {
      first,
      firstGroup: first.bindGroup(uniforms, 0, UNIFORM_STRIDE),
      update: null,
      updateGroups: [],
      partialRows: 0,
      uniforms,
    };
  }
  const parts = res.parts as TensorInfo;
  const partsBuffer = res.partsBuffer as GPUBuffer;
  const strip = fitsStripTraining(spec.kh, spec.kw);
  const partials = strip
    ? new TrainStripPartialsProgram(spec, layout)
    : new TrainPartialsProgram(spec, layout);
  const partialRows =
    partials instanceof TrainStripPartialsProgram
      ? partials.shape.partialRows
      : partials.dispatch[0] * partials.dispatch[1];
  const first = await RawProgram.compile(tfb, partials, [img, tgt, state], parts, {
    inputs: [...inputBuffers, res.stateBuffer],
    output: partsBuffer,
  });
  const update = await RawProgram.compile(
    tfb,
    new TrainReduceUpdateProgram(layout, config.optimizer.kind, config.useBias),
    [parts],
    state,
    { inputs: [partsBuffer], output: res.stateBuffer },
  );
  return {
    first,
    firstGroup: first.bindGroup(uniforms, 0, UNIFORM_STRIDE),
    update,
    updateGroups: [],
    partialRows,
    uniforms,
  };
}

function convSpec(config: KernelProblem): ConvSpec {
  const { y, kernel: w } = config;
  return {
    outRows: y.rows,
    outCols: y.cols,
    kh: w.rows,
    kw: w.cols,
    mode: config.mode,
    activation: config.activation,
  };
}

/** Partial-sum rows the tiled path's first dispatch writes per step (sizes its buffer). */
function partialRows(spec: ConvSpec): number {
  if (fitsStripTraining(spec.kh, spec.kw))
    return stripPartialsShape(spec.outRows, spec.outCols, spec.kh).partialRows;
  const [groupsX, groupsY] = partialsGroups(spec.outRows, spec.outCols);
  return groupsX * groupsY;
}

function initialState(layout: StateLayout, config: KernelProblem, resume?: TrainerResumeState): Float32Array {
  const state = new Float32Array(layout.length);
  if (resume) {
    writeResumeState(state, layout, resume);
    return state;
  }
  const params = [...config.kernel.data, config.initBias];
  state.set(params, layout.params);
  state.set(params, layout.lastFinite);
  return state;
}
