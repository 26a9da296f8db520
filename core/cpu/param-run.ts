/**
 * The bookkeeping every CPU training run shares, whatever its layer: one float64 parameter
 * vector, the optimizer, the step count, divergence (stop before the update, keep the last
 * finite parameters) and the resume state that moves a run between backends.
 */
import type { BackendKind, DivergenceInfo, OptimizerSpec, TrainChunk, TrainerResumeState } from '../types';
import { DIVERGENCE_LIMIT } from '../types';
import { KernelStudioError } from '../errors';
import { checkResumeState } from '../train/resume';
import { checkSteps } from '../validate';
import type { Optimizer } from '../optimizers';
import { createOptimizer } from '../optimizers';
import type { AsyncEvaluateInto, EvaluateInto, PooledEvaluation } from './evaluation';

function allFinite(values: Float64Array): boolean {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return false;
  return true;
}

export class ParamRun {
  /** The current parameters (after divergence: the last finite ones). */
  readonly params: Float64Array;
  /** Gradient of the last step whose loss was accepted, for the heatmap. */
  readonly lastGrads: Float64Array;
  private readonly lastFinite: Float64Array;
  private readonly grads: Float64Array;
  private readonly optimizer: Optimizer;
  private readonly evaluate: EvaluateInto;
  private stepCount = 0;
  private diverged: DivergenceInfo | undefined;
  private disposed = false;
  private openPool: (() => Promise<PooledEvaluation | null>) | null = null;
  private pooled: Promise<PooledEvaluation | null> | null = null;

  constructor(init: Float64Array, spec: OptimizerSpec, evaluate: EvaluateInto, resume?: TrainerResumeState) {
    const n = init.length;
    this.params = Float64Array.from(init);
    this.lastFinite = new Float64Array(this.params);
    this.grads = new Float64Array(n);
    this.lastGrads = new Float64Array(n);
    this.evaluate = evaluate;
    this.optimizer = createOptimizer(spec, n, resume);
    if (resume) this.restore(resume);
  }

  get step(): number {
    return this.stepCount;
  }

  private restore(state: TrainerResumeState): void {
    const n = this.params.length;
    checkResumeState(state, n);
    this.params.set(state.params.subarray(0, n));
    this.lastFinite.set(this.params);
    this.lastGrads.set(state.grads.subarray(0, n));
    this.stepCount = state.step;
    this.diverged = state.diverged;
  }

  exportState(): TrainerResumeState {
    this.checkAlive();
    return {
      step: this.stepCount,
      params: Float64Array.from(this.diverged ? this.lastFinite : this.params),
      grads: Float64Array.from(this.lastGrads),
      moment1: Float64Array.from(this.optimizer.moment1),
      moment2: Float64Array.from(this.optimizer.moment2),
      ...(this.diverged ? { diverged: this.diverged } : {}),
    };
  }

  /** Runs up to `steps` steps; after divergence it returns at once with the same info. */
  runSync(steps: number): TrainChunk {
    const chunk = this.beginChunk(steps);
    if ('diverged' in chunk) return chunk;
    const { losses } = chunk;
    for (let n = 0; n < steps; n++) {
      const stop = this.accept(this.evaluate(this.params, this.grads), losses, n);
      if (stop) return stop;
    }
    return { firstStep: chunk.firstStep, losses };
  }

  /**
   * `runSync` with an evaluation that finishes later (bands computed on other threads). The
   * steps, divergence and optimizer are exactly runSync's; `evaluate` writes the gradients
   * into the vector it is given, as `EvaluateInto` does.
   */
  async runAsync(steps: number, evaluate: AsyncEvaluateInto): Promise<TrainChunk> {
    const chunk = this.beginChunk(steps);
    if ('diverged' in chunk) return chunk;
    const { losses } = chunk;
    for (let n = 0; n < steps; n++) {
      const loss = await evaluate(this.params, this.grads);
      this.checkAlive();
      const stop = this.accept(loss, losses, n);
      if (stop) return stop;
    }
    return { firstStep: chunk.firstStep, losses };
  }

  /**
   * Lets `run` evaluate on every thread: `open` (called once, on the first run) gives the
   * pooled evaluation, or null where the problem is too small to gain from it.
   */
  usePool(open: () => Promise<PooledEvaluation | null>): void {
    this.openPool = open;
  }

  /** Runs up to `steps` steps, on every thread where a pool was given and pays off. */
  async run(steps: number): Promise<TrainChunk> {
    // A pool that cannot start (a worker failed to load) leaves the run on this thread.
    this.pooled ??= this.openPool ? this.openPool().catch(() => null) : Promise.resolve(null);
    const pooled = await this.pooled;
    return pooled ? this.runAsync(steps, pooled.evaluate) : this.runSync(steps);
  }

  private beginChunk(steps: number): TrainChunk {
    this.checkAlive();
    checkSteps(steps);
    const firstStep = this.stepCount + 1;
    if (this.diverged) return { firstStep, losses: new Float64Array(0), diverged: this.diverged };
    return { firstStep, losses: new Float64Array(steps) };
  }

  /** Takes step n's loss (gradients in this.grads): the update, or the divergence chunk that ends the run. */
  private accept(loss: number, losses: Float64Array, n: number): TrainChunk | null {
    const { params, grads } = this;
    if (!Number.isFinite(loss) || loss >= DIVERGENCE_LIMIT) {
      this.diverged = { step: this.stepCount + 1, loss };
      params.set(this.lastFinite);
      return { firstStep: this.stepCount + 1 - n, losses: losses.slice(0, n), diverged: this.diverged };
    }
    losses[n] = loss;
    this.lastGrads.set(grads);
    this.stepCount++;
    this.optimizer.step(params, grads, this.stepCount);
    if (allFinite(params)) this.lastFinite.set(params);
    return null;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.evaluate.release?.();
    void this.pooled?.then((p) => p?.close());
  }

  checkAlive(): void {
    if (this.disposed)
      throw new KernelStudioError('invalid-argument', 'This training run was closed; start a new one.');
  }
}

/**
 * The Trainer methods every CPU run shares, over its ParamRun (`run` and `snapshot` resolve
 * with the synchronous ones: CPU work waits on no device).
 */
export abstract class ParamTrainer<Snapshot> {
  readonly backend: BackendKind = 'cpu';

  protected constructor(protected readonly paramRun: ParamRun) {}

  abstract snapshotSync(): Snapshot;

  /** The run's state, for handing it to another backend (see TrainerResumeState). */
  exportState(): TrainerResumeState {
    return this.paramRun.exportState();
  }

  /** Runs up to `steps` steps synchronously; after divergence it returns at once with the same info. */
  runSync(steps: number): TrainChunk {
    return this.paramRun.runSync(steps);
  }

  /** Runs up to `steps` steps, on every thread of the run's pool where one was given and pays off. */
  async run(steps: number): Promise<TrainChunk> {
    return this.paramRun.run(steps);
  }

  async snapshot(): Promise<Snapshot> {
    return this.snapshotSync();
  }

  dispose(): void {
    this.paramRun.dispose();
  }
}
