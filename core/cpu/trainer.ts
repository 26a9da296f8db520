/** A full-batch training run on the CPU; its state lives between `run` calls, so pausing is just not calling. */
import { convSpec, outputShape, validGeometry } from '../layer';
import type { Matrix } from '../matrix';
import { clone } from '../matrix';
import type { Trainer, TrainConfig, TrainerResumeState, TrainSnapshot } from '../types';
import { initialParams, snapshotOf } from '../train/resume';
import { checkTrainConfig } from '../validate';
import { slidKernelValues } from './forward';
import type { EvaluateInto } from './param-run';
import { ParamRun, ParamTrainer } from './param-run';
import type { CpuPool } from './pool';
import { layerConfigOf } from '../layer-types';
import { createStepBuffers, lossAndGradsCpu } from './step';
import { tensorOfMatrix } from '../tensor';
import type { CpuKernels } from '../wasm/layer';
import { wasmLayerLossAndGrads } from '../wasm/layer';

export type { CpuKernels } from '../wasm/layer';

/** Loss and ∂L/∂(slid kernel) of one channel; ∂L/∂b comes back with the loss. */
type LossAndGrads = ((
  w: Float64Array,
  bias: number,
  mean: boolean,
  gradW: Float64Array,
) => { loss: number; gradB: number }) & { readonly release?: () => void };

/** The WebAssembly program for the one-channel layer, or null where it cannot run. */
function wasmLossAndGrads(x: Matrix, y: Matrix, kh: number, kw: number, relu: boolean): LossAndGrads | null {
  const spec = convSpec({ kernel: [kh, kw], activation: relu ? 'relu' : 'none' });
  const program = wasmLayerLossAndGrads(tensorOfMatrix(x), tensorOfMatrix(y), spec);
  if (!program) return null;
  const gradB = new Float64Array(1);
  const bias = new Float64Array(1);
  const evaluate = (w: Float64Array, b: number, mean: boolean, gradW: Float64Array) => {
    bias[0] = b;
    const loss = program(w, bias, mean, gradW, gradB);
    return { loss, gradB: gradB[0] };
  };
  return Object.assign(evaluate, { release: program.release });
}

/** The reference fused step (core/cpu/step.ts) with its own scratch buffers. */
function jsLossAndGrads(x: Matrix, y: Matrix, kh: number, kw: number, relu: boolean): LossAndGrads {
  const buffers = createStepBuffers(outputShape(validGeometry({ rows: kh, cols: kw }), x).cols);
  return (w, bias, mean, gradW) => lossAndGradsCpu(x, y, w, kh, kw, bias, relu, mean, gradW, buffers);
}

/**
 * The fused single-channel "valid" evaluation (today's fast path) over [W…, b]: writes
 * ∂L/∂[W…, b] and returns the loss. `x` and `y` must be the run's own copies.
 */
export function singleChannelEvaluate(
  x: Matrix,
  y: Matrix,
  kh: number,
  kw: number,
  opts: Pick<TrainConfig, 'mode' | 'activation' | 'loss' | 'useBias'>,
  kernels: CpuKernels = 'auto',
): EvaluateInto {
  const size = kh * kw;
  const kernel = new Float64Array(size);
  const gradKernel = new Float64Array(size);
  const relu = opts.activation === 'relu';
  const mean = opts.loss === 'mean';
  const { mode, useBias } = opts;
  const lossAndGrads =
    (kernels === 'auto' ? wasmLossAndGrads(x, y, kh, kw, relu) : null) ?? jsLossAndGrads(x, y, kh, kw, relu);
  const evaluate = (params: Float64Array, grads: Float64Array): number => {
    slidKernelValues(params, size, mode, kernel);
    const r = lossAndGrads(kernel, params[size], mean, gradKernel);
    slidKernelValues(gradKernel, size, mode, grads);
    grads[size] = useBias ? r.gradB : 0;
    return r.loss;
  };
  return Object.assign(evaluate, { release: lossAndGrads.release });
}

/** The single-kernel run; its ParamRun's vector is [W (row-major, as stored, un-flipped)…, b] in float64. */
export class CpuTrainer extends ParamTrainer<TrainSnapshot> implements Trainer {
  private readonly kh: number;
  private readonly kw: number;

  /**
   * Validates the config (throws KernelStudioError) and copies what it needs.
   * With `resume`, the run continues from that state (another backend's export)
   * and behaves exactly as if it had run those steps here. With a `pool`, `run` evaluates
   * large problems on every thread (the host's workers). `kernels: 'js'` keeps the JavaScript
   * step (the bench's comparison).
   */
  constructor(
    config: TrainConfig,
    resume?: TrainerResumeState,
    pool: CpuPool | null = null,
    kernels: CpuKernels = 'auto',
  ) {
    checkTrainConfig(config);
    // Own copies: the caller may keep editing X and Y while this run is paused.
    const x = clone(config.x);
    const y = clone(config.y);
    const kh = config.initWeight.rows;
    const kw = config.initWeight.cols;
    const evaluate = singleChannelEvaluate(x, y, kh, kw, config, kernels);
    super(new ParamRun(initialParams(config), config.optimizer, evaluate, resume));
    this.kh = kh;
    this.kw = kw;
    if (pool) this.paramRun.usePool(() => pool.trainEvaluation(layerConfigOf({ ...config, x, y })));
  }

  snapshotSync(): TrainSnapshot {
    this.paramRun.checkAlive();
    const { params, lastGrads, step } = this.paramRun;
    return snapshotOf({ step, params, grads: lastGrads }, { rows: this.kh, cols: this.kw });
  }
}
