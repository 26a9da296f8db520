/**
 * A full-batch layer training run on the CPU (O×C×kh×kw weights, O biases, any stride,
 * padding and dilation). Parameters are one vector [W…, b…]; the single-channel "valid"
 * layer evaluates through today's fused fast path, so it trains exactly as `CpuTrainer`.
 */
import type { LayerTrainConfig, LayerTrainer, LayerTrainSnapshot } from '../layer-types';
import { isSingleChannelValid } from '../layer';
import type { Tensor3 } from '../tensor';
import { layerSnapshotOf } from '../train/resume';
import { channel } from '../tensor';
import type { TrainerResumeState } from '../types';
import { checkLayerTrainConfig } from '../validate';
import { slidWeights, layerLossAndGradsCpu, layerStepBuffers, padTensor } from './layer';
import type { CpuPool, EvaluateInto } from './evaluation';
import { ParamRun, ParamTrainer } from './param-run';
import type { CpuKernels } from '../wasm/layer';
import { singleChannelEvaluate } from './step';
import type { LayerLossAndGrads } from '../wasm/layer';
import { wasmLayerLossAndGrads } from '../wasm/layer';
import type { ConvSpec } from '../layer';

/** The reference layer step (core/cpu/layer.ts) on padded X, with its own scratch buffers. */
function jsLayerLossAndGrads(xp: Tensor3, y: Tensor3, spec: ConvSpec): LayerLossAndGrads {
  // X is already padded: the same output shape as the unpadded X with the spec's padding.
  const buffers = layerStepBuffers({ ...spec, padding: [0, 0] }, xp);
  const evaluate = (...[w, bias, loss, gradW, gradB]: Parameters<LayerLossAndGrads>): number =>
    layerLossAndGradsCpu(xp, y, w, bias, spec, loss, gradW, gradB, buffers);
  return Object.assign(evaluate, { release: () => {} });
}

function copyTensor(t: Tensor3): Tensor3 {
  return { ...t, data: new Float32Array(t.data) };
}

/**
 * The loss-and-gradient evaluation of a layer run over [W…, b…] on its own copies of X and Y:
 * the WebAssembly program where it applies (`kernels: 'auto'`), else the TypeScript steps (the
 * single-channel "valid" layer on its fused fast path).
 */
export function layerEvaluate(
  config: Pick<LayerTrainConfig, 'spec' | 'loss' | 'useBias' | 'initWeight'>,
  x: Tensor3,
  y: Tensor3,
  kernels: CpuKernels = 'auto',
): EvaluateInto {
  const { spec } = config;
  const xp = padTensor(x, spec.padding);
  const program = kernels === 'auto' ? wasmLayerLossAndGrads(xp, y, spec) : null;
  if (!program && isSingleChannelValid(spec)) {
    const [kh, kw] = spec.kernel;
    const opts = { mode: spec.mode, activation: spec.activation, loss: config.loss, useBias: config.useBias };
    return singleChannelEvaluate(channel(x, 0), channel(y, 0), kh, kw, opts);
  }
  const size = config.initWeight.data.length;
  const weff = new Float64Array(size);
  const gradEff = new Float64Array(size);
  const gradB = new Float64Array(spec.outChannels);
  const lossAndGrads = program ?? jsLayerLossAndGrads(xp, y, spec);
  const evaluate = (params: Float64Array, grads: Float64Array): number => {
    slidWeights(params, spec, weff);
    const loss = lossAndGrads(weff, params.subarray(size), config.loss, gradEff, gradB);
    // Rotating each kernel is a permutation, so the stored weights' gradient is the rotated slid one.
    slidWeights(gradEff, spec, grads);
    for (let o = 0; o < spec.outChannels; o++) grads[size + o] = config.useBias ? gradB[o] : 0;
    return loss;
  };
  return Object.assign(evaluate, { release: lossAndGrads.release });
}

export class CpuLayerTrainer extends ParamTrainer<LayerTrainSnapshot> implements LayerTrainer {
  private readonly config: LayerTrainConfig;
  private readonly size: number;

  /**
   * Validates (throws KernelStudioError) and copies X and Y; `resume` continues another backend's
   * run. With a `pool`, `run` evaluates large problems on every thread (the host's workers).
   * `kernels: 'js'` keeps the JavaScript step (the bench's comparison).
   */
  constructor(
    config: LayerTrainConfig,
    resume?: TrainerResumeState,
    pool: CpuPool | null = null,
    kernels: CpuKernels = 'auto',
  ) {
    checkLayerTrainConfig(config);
    const size = config.initWeight.data.length;
    const o = config.spec.outChannels;
    const init = new Float64Array(size + o);
    init.set(config.initWeight.data);
    for (let i = 0; i < o; i++) init[size + i] = config.initBias[i];
    const x = copyTensor(config.x);
    const y = copyTensor(config.y);
    super(new ParamRun(init, config.optimizer, layerEvaluate(config, x, y, kernels), resume));
    this.config = config;
    this.size = size;
    if (pool) this.paramRun.usePool(() => pool.trainEvaluation({ ...config, x, y }));
  }

  snapshotSync(): LayerTrainSnapshot {
    this.paramRun.checkAlive();
    const { params, lastGrads } = this.paramRun;
    return layerSnapshotOf({ step: this.paramRun.step, params, grads: lastGrads }, this.config.initWeight);
  }
}
