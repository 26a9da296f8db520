/**
 * Training the full layer on WebGPU (O×C×kh×kw weights, O biases, any stride, padding and
 * dilation). The state is one GPU buffer with the same regions as the single-channel
 * trainer's (stateLayout.ts), over the parameter vector [W…, b…]. Each step is three
 * dispatches — residual (∂L/∂pre and loss terms per output), gradient partials over chunks
 * of outputs, reduce + divergence check + optimizer update — and `run(n)` encodes up to
 * LOSS_CAPACITY steps per submission, then reads the state back once, like `WebGpuTrainer`.
 */
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { env } from '@tensorflow/tfjs-core';
import type { ConvSpec, Shape2 } from '#core/layer';
import { outputShape } from '#core/layer';
import type { LayerTrainConfig, LayerTrainer, LayerTrainSnapshot } from '#core/layer-types';
import type { Weights } from '#core/tensor';
import type { BackendKind, TrainChunk, TrainerResumeState } from '#core/types';
import { checkLayerTrainConfig } from '#core/validate';
import type { GpuContext } from './context';
import { raceLost, withErrorScopes } from './context';
import { GpuRun, reduceUpdateUniforms, uploadStorage } from './stepLoop';
import { layerSizeUniforms } from './layerWgsl';
import {
  LayerGradPartialsProgram,
  layerPartialsShape,
  partialColumns,
} from './programs/layerGradPartialsProgram';
import { LayerReduceUpdateProgram } from './programs/layerReduceUpdateProgram';
import { LayerResidualProgram } from './programs/layerResidualProgram';
import { lossScale } from '#core/optimizers';
import type { StateLayout } from './stateLayout';
import { readResumeState, stateLayout, writeResumeState } from './stateLayout';

/**
 * The state layout of a layer: the single-channel regions over `weights + biases`
 * parameters. Offsets depend only on the parameter count; `kernelSize` (KK in WGSL) is
 * where the biases start.
 */
export function layerStateLayout(weights: number, biases: number): StateLayout {
  return { ...stateLayout(1, weights + biases - 1), kernelSize: weights };
}

interface LayerGpuResources {
  readonly buffers: GPUBuffer[];
  readonly tensors: { dispose(): void }[];
  readonly x: TensorInfo;
  readonly y: TensorInfo;
  readonly state: TensorInfo;
  readonly d: TensorInfo;
  readonly parts: TensorInfo;
  readonly stateBuffer: GPUBuffer;
}

export class WebGpuLayerTrainer extends GpuRun implements LayerTrainer {
  readonly backend: BackendKind = 'webgpu';
  readonly path = 'layer' as const;
  private readonly spec: ConvSpec;
  private readonly out: Shape2;
  private readonly partials: { groups: number; chunk: number };

  private constructor(
    ctx: GpuContext,
    private readonly config: LayerTrainConfig,
    private readonly layout: StateLayout,
    private readonly res: LayerGpuResources,
    initial: Float32Array,
    resume: TrainerResumeState | undefined,
  ) {
    super(ctx, initial, resume && { step: resume.step, diverged: resume.diverged });
    this.spec = config.spec;
    this.out = outputShape(config.spec, config.x);
    this.partials = layerPartialsShape(config.spec, this.out.rows * this.out.cols);
  }

  /**
   * Validates (KernelStudioError) and uploads X, Y and the initial parameters: fresh, or
   * `resume`'s (another backend's export, or a saved workspace's), optimizer moments included.
   */
  static async create(
    ctx: GpuContext,
    config: LayerTrainConfig,
    resume?: TrainerResumeState,
  ): Promise<WebGpuLayerTrainer> {
    checkLayerTrainConfig(config);
    const { spec, x, y } = config;
    const layout = layerStateLayout(config.initWeight.data.length, spec.outChannels);
    const initial = initialLayerState(layout, config, resume);
    const out = outputShape(spec, x);
    const n = spec.outChannels * out.rows * out.cols;
    const { groups } = layerPartialsShape(spec, out.rows * out.cols);
    const partsLength = groups * partialColumns(spec);
    const tfb = ctx.tfBackend;
    const res = await withErrorScopes(ctx, { kind: 'training', rows: x.rows, cols: x.cols }, () => {
      const buffers: GPUBuffer[] = [];
      const upload = (data: Float32Array): GPUBuffer => {
        const buffer = uploadStorage(ctx.device, data);
        buffers.push(buffer);
        return buffer;
      };
      const wrap = (buffer: GPUBuffer, shape: number[]) =>
        tfb.createTensorFromGPUData({ buffer, zeroCopy: true }, shape, 'float32');
      const stateBuffer = upload(initial);
      const tensors = {
        x: wrap(upload(x.data), [x.channels, x.rows, x.cols]),
        y: wrap(upload(y.data), [n]),
        state: wrap(stateBuffer, [layout.length]),
        d: wrap(upload(new Float32Array(2 * n)), [2 * n]),
        parts: wrap(upload(new Float32Array(partsLength)), [partsLength]),
      };
      return { buffers, tensors: Object.values(tensors), stateBuffer, ...tensors };
    });
    return new WebGpuLayerTrainer(ctx, config, layout, res, initial, resume);
  }

  async run(steps: number): Promise<TrainChunk> {
    return this.runChunks(this.layout, steps, (first, n) => {
      this.encodeSteps(first, n);
      return this.readState();
    });
  }

  /** Where the run stands as of the last `run`; after divergence, the last finite parameters. */
  async snapshot(): Promise<LayerTrainSnapshot> {
    this.checkAlive();
    const { layout, mirror, config } = this;
    const weights = layout.kernelSize;
    const params = this.diverged ? layout.lastFinite : layout.params;
    const shaped = (offset: number): Weights => ({
      outChannels: config.initWeight.outChannels,
      inChannels: config.initWeight.inChannels,
      rows: config.initWeight.rows,
      cols: config.initWeight.cols,
      data: mirror.slice(offset, offset + weights),
    });
    return {
      step: this.step,
      weight: shaped(params),
      bias: mirror.slice(params + weights, params + layout.paramCount),
      gradWeight: shaped(layout.grads),
      gradBias: mirror.slice(layout.grads + weights, layout.grads + layout.paramCount),
    };
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
  }

  /** Encodes `n` steps (3 dispatches each) into tfjs's command encoder without submitting in between. */
  private encodeSteps(first: number, n: number): void {
    const flags = env();
    const batch = flags.get('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE');
    flags.set('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE', Number.MAX_SAFE_INTEGER);
    try {
      for (let i = 0; i < n; i++) this.encodeStep(first + i, i);
    } finally {
      flags.set('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE', batch);
    }
  }

  private encodeStep(step: number, slot: number): void {
    const { config, res, spec, out, partials } = this;
    const tfb = this.ctx.tfBackend;
    const sizes = layerSizeUniforms(config.x, out);
    const scale = lossScale(config.loss, spec.outChannels * out.rows * out.cols);
    tfb.runWebGPUProgram(
      new LayerResidualProgram(spec, this.layout, out.rows, out.cols),
      [res.x, res.y, res.state],
      'float32',
      [...sizes, { type: 'float32', data: [scale] }],
      res.d,
    );
    tfb.runWebGPUProgram(
      new LayerGradPartialsProgram(spec, partials.groups),
      [res.x, res.d],
      'float32',
      [...sizes, { type: 'int32', data: [partials.chunk] }, { type: 'int32', data: [partials.groups] }],
      res.parts,
    );
    const uniforms = reduceUpdateUniforms(config.optimizer, partials.groups, step, slot);
    tfb.runWebGPUProgram(
      new LayerReduceUpdateProgram(this.layout, config.optimizer.kind, config.useBias),
      [res.parts],
      'float32',
      uniforms,
      res.state,
    );
  }

  /** One readback of the whole state through a throwaway zero-copy tensor (tfjs caches reads per tensor). */
  private async readState(): Promise<Float32Array> {
    const view = this.ctx.tfBackend.createTensorFromGPUData(
      { buffer: this.res.stateBuffer, zeroCopy: true },
      [this.layout.length],
      'float32',
    );
    try {
      const values = await raceLost(this.ctx, view.data());
      return new Float32Array(values as Float32Array);
    } finally {
      view.dispose();
    }
  }
}

/** The state buffer a run starts from: the config's initial parameters, or `resume`'s whole state. */
function initialLayerState(
  layout: StateLayout,
  config: LayerTrainConfig,
  resume: TrainerResumeState | undefined,
): Float32Array {
  const state = new Float32Array(layout.length);
  if (resume) {
    writeResumeState(state, layout, resume);
    return state;
  }
  const weights = config.initWeight.data.length;
  state.set(config.initWeight.data, layout.params);
  state.set(Float32Array.from(config.initBias), layout.params + weights);
  state.copyWithin(layout.lastFinite, layout.params, layout.params + layout.paramCount);
  return state;
}
