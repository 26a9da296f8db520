/** A full-batch training run on the CPU; its state lives between `run` calls, so pausing is just not calling. */
import { KernelStudioError } from '../errors';
import type { Matrix } from '../matrix';
import { clone } from '../matrix';
import type {
  BackendKind,
  DivergenceInfo,
  Trainer,
  TrainChunk,
  TrainConfig,
  TrainerResumeState,
  TrainSnapshot,
} from '../types';
import { DIVERGENCE_LIMIT } from '../types';
import { checkSteps, checkTrainConfig } from '../validate';
import { effectiveKernel } from './forward';
import type { Optimizer } from './optimizer';
import { createOptimizer } from './optimizer';
import type { StepBuffers } from './step';
import { createStepBuffers, lossAndGradsCpu } from './step';

function allFinite(values: Float64Array): boolean {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return false;
  return true;
}

function toMatrix(values: Float64Array, rows: number, cols: number): Matrix {
  return { rows, cols, data: Float32Array.from(values.subarray(0, rows * cols)) };
}

export type { TrainerResumeState };

export class CpuTrainer implements Trainer {
  readonly backend: BackendKind = 'cpu';
  private readonly config: TrainConfig;
  private readonly kh: number;
  private readonly kw: number;
  private readonly size: number;
  /** [W (row-major, as stored, un-flipped)…, b] in float64: the optimizer sees one vector. */
  private readonly params: Float64Array;
  /** The last parameters that were all finite, reported if a later update overflows. */
  private readonly lastFinite: Float64Array;
  private readonly grads: Float64Array;
  /** Gradient of the last step whose loss was accepted, for the heatmap. */
  private readonly lastGrads: Float64Array;
  private readonly kernel: Float64Array;
  private readonly gradKernel: Float64Array;
  private readonly optimizer: Optimizer;
  private readonly buffers: StepBuffers;
  private step = 0;
  private diverged: DivergenceInfo | undefined;
  private disposed = false;

  /**
   * Validates the config (throws KernelStudioError) and copies what it needs.
   * With `resume`, the run continues from that state (another backend's export)
   * and behaves exactly as if it had run those steps here.
   */
  constructor(config: TrainConfig, resume?: TrainerResumeState) {
    checkTrainConfig(config);
    // Own copies: the caller may keep editing X and Y while this run is paused.
    this.config = { ...config, x: clone(config.x), y: clone(config.y) };
    this.kh = config.initWeight.rows;
    this.kw = config.initWeight.cols;
    this.size = this.kh * this.kw;
    this.params = new Float64Array(this.size + 1);
    this.params.set(config.initWeight.data);
    this.params[this.size] = config.initBias;
    this.lastFinite = new Float64Array(this.params);
    this.grads = new Float64Array(this.size + 1);
    this.lastGrads = new Float64Array(this.size + 1);
    this.kernel = new Float64Array(this.size);
    this.gradKernel = new Float64Array(this.size);
    this.optimizer = createOptimizer(config.optimizer, this.size + 1, resume);
    this.buffers = createStepBuffers(config.x.cols - this.kw + 1);
    if (resume) this.restore(resume);
  }

  private restore(state: TrainerResumeState): void {
    const n = this.size + 1;
    for (const [name, values] of [
      ['params', state.params],
      ['grads', state.grads],
      ['moment1', state.moment1],
      ['moment2', state.moment2],
    ] as const)
      if (values.length < n)
        throw new KernelStudioError(
          'invalid-argument',
          `Cannot resume the run: ${name} holds ${values.length} values, the kernel needs ${n}.`,
        );
    if (!Number.isInteger(state.step) || state.step < 0)
      throw new KernelStudioError('invalid-argument', `Cannot resume the run at step ${state.step}.`);
    this.params.set(state.params.subarray(0, n));
    this.lastFinite.set(this.params);
    this.lastGrads.set(state.grads.subarray(0, n));
    this.step = state.step;
    this.diverged = state.diverged;
  }

  /** The run's state, for handing it to another backend (see TrainerResumeState). */
  exportState(): TrainerResumeState {
    this.checkAlive();
    return {
      step: this.step,
      params: Float64Array.from(this.diverged ? this.lastFinite : this.params),
      grads: Float64Array.from(this.lastGrads),
      moment1: Float64Array.from(this.optimizer.moment1),
      moment2: Float64Array.from(this.optimizer.moment2),
      ...(this.diverged ? { diverged: this.diverged } : {}),
    };
  }

  /** Runs up to `steps` steps synchronously; after divergence it returns at once with the same info. */
  runSync(steps: number): TrainChunk {
    this.checkAlive();
    checkSteps(steps);
    const firstStep = this.step + 1;
    if (this.diverged) return { firstStep, losses: new Float64Array(0), diverged: this.diverged };
    const losses = new Float64Array(steps);
    const { config, kh, kw, size, params, grads } = this;
    const relu = config.activation === 'relu';
    const mean = config.loss === 'mean';
    for (let n = 0; n < steps; n++) {
      effectiveKernel(params, size, config.mode, this.kernel);
      const bias = params[size];
      const r = lossAndGradsCpu(
        config.x,
        config.y,
        this.kernel,
        kh,
        kw,
        bias,
        relu,
        mean,
        this.gradKernel,
        this.buffers,
      );
      if (!Number.isFinite(r.loss) || r.loss >= DIVERGENCE_LIMIT) {
        this.diverged = { step: this.step + 1, loss: r.loss };
        params.set(this.lastFinite);
        return { firstStep, losses: losses.slice(0, n), diverged: this.diverged };
      }
      losses[n] = r.loss;
      effectiveKernel(this.gradKernel, size, config.mode, grads);
      grads[size] = config.useBias ? r.gradB : 0;
      this.lastGrads.set(grads);
      this.step++;
      this.optimizer.step(params, grads, this.step);
      if (allFinite(params)) this.lastFinite.set(params);
    }
    return { firstStep, losses };
  }

  snapshotSync(): TrainSnapshot {
    this.checkAlive();
    const { kh, kw, size } = this;
    return {
      step: this.step,
      weight: toMatrix(this.params, kh, kw),
      bias: this.params[size],
      gradWeight: toMatrix(this.lastGrads, kh, kw),
      gradBias: this.lastGrads[size],
    };
  }

  async run(steps: number): Promise<TrainChunk> {
    return this.runSync(steps);
  }

  async snapshot(): Promise<TrainSnapshot> {
    return this.snapshotSync();
  }

  dispose(): void {
    this.disposed = true;
  }

  private checkAlive(): void {
    if (this.disposed)
      throw new KernelStudioError('invalid-argument', 'This training run was closed; start a new one.');
  }
}
