/** A full-batch training run on the CPU; its state lives between `run` calls, so pausing is just not calling. */
import { clone } from '../matrix';
import type { Trainer, TrainConfig, TrainerResumeState, TrainSnapshot } from '../types';
import { initialParams, snapshotOf } from '../train/resume';
import { checkTrainConfig } from '../validate';
import { layerEvaluate } from './layer-trainer';
import { ParamRun, ParamTrainer } from './param-run';
import type { CpuPool } from './evaluation';
import { layerConfigOf } from '../layer-types';
import type { CpuKernels } from '../wasm/layer';

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
    // The one-kernel layer (C = O = 1): the same evaluation and parameter vector as CpuLayerTrainer's.
    const layer = layerConfigOf({ ...config, x, y });
    const evaluate = layerEvaluate(layer, layer.x, layer.y, kernels);
    super(new ParamRun(initialParams(config), config.optimizer, evaluate, resume));
    this.kh = config.initWeight.rows;
    this.kw = config.initWeight.cols;
    if (pool) this.paramRun.usePool(() => pool.trainEvaluation(layer));
  }

  snapshotSync(): TrainSnapshot {
    this.paramRun.checkAlive();
    const { params, lastGrads, step } = this.paramRun;
    return snapshotOf({ step, params, grads: lastGrads }, { rows: this.kh, cols: this.kw });
  }
}
