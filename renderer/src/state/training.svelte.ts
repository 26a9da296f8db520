import { userMessage } from '../../../core/errors';
import { zeros, type Matrix } from '../../../core/matrix';
import { randomKernel } from '../../../core/random';
import type { DivergenceInfo, Trainer, TrainConfig } from '../../../core/types';
import type { LossPoint } from '../../../ipc/contract';
import type { ComputeState } from './compute.svelte';
import { LossBatcher, newRunId } from './loss-stream';
import type { StudioDocument, TrainingSettings } from './studio.svelte';
import type { LossCharts } from './training-charts.svelte';

export type RunStatus = 'idle' | 'running' | 'paused' | 'done' | 'diverged' | 'error';
export type Speed = 'slow' | 'normal' | 'fast' | 'max';

/** Steps per animation frame, and every how many frames a batch runs. */
export const SPEEDS: Record<Speed, { readonly steps: number; readonly everyFrames: number }> = {
  slow: { steps: 1, everyFrames: 8 },
  normal: { steps: 1, everyFrames: 1 },
  fast: { steps: 10, everyFrames: 1 },
  max: { steps: 250, everyFrames: 1 },
};

const MAX_LOG_LINES = 2000;

/** Next animation frame in the renderer; a timer where there is none (the Node unit tests). */
function nextFrame(callback: () => void): void {
  const raf = (globalThis as { requestAnimationFrame?: (cb: () => void) => number }).requestAnimationFrame;
  if (raf) raf(callback);
  else setTimeout(callback, 16);
}

/** The top-left (rows×cols) block of Y: what a kernel of another shape than the target's must produce. */
export function cropTarget(y: Matrix, rows: number, cols: number): Matrix {
  if (rows > y.rows || cols > y.cols)
    throw new Error(
      `The target Y is ${y.rows}×${y.cols}, smaller than the ${rows}×${cols} this kernel produces.`,
    );
  if (rows === y.rows && cols === y.cols) return y;
  const data = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) data.set(y.data.subarray(r * y.cols, r * y.cols + cols), r * cols);
  return { rows, cols, data };
}

export function initialWeight(s: TrainingSettings): Matrix {
  if (s.init === 'explicit') return s.initWeight;
  if (s.init === 'zeros') return zeros(s.kernelRows, s.kernelCols);
  return randomKernel(s.kernelRows, s.kernelCols, s.seed);
}

/** A run's label in the chart legend: the settings that tell runs apart. */
export function runLabel(s: TrainingSettings): string {
  const init = s.init === 'seeded' ? `seed ${s.seed}` : s.init;
  return `lr ${s.lr} · ${s.optimizer} · ${s.loss} · ${s.kernelRows}×${s.kernelCols}${s.useBias ? '+b' : ''} · ${init}`;
}

/**
 * One training run driven from the UI: Step, Run (batched steps per animation
 * frame, never blocking), Pause, Reset. Losses go to main through a LossBatcher;
 * the log panel, heatmaps and landscape path are fed from here.
 */
export class TrainingSession {
  status = $state<RunStatus>('idle');
  step = $state(0);
  speed = $state<Speed>('normal');
  target = $state.raw<Matrix | null>(null);
  weight = $state.raw<Matrix | null>(null);
  bias = $state(0);
  gradWeight = $state.raw<Matrix | null>(null);
  yHat = $state.raw<Matrix | null>(null);
  log = $state.raw<LossPoint[]>([]);
  /** The trainable parameters after each update (for the landscape path). */
  path = $state.raw<(readonly [number, number])[]>([]);
  diverged = $state.raw<DivergenceInfo | null>(null);
  error = $state('');
  runId = $state<string | null>(null);
  /** The settings of the current run (null before the first Step/Run). */
  settings = $state.raw<TrainingSettings | null>(null);
  /** The config the current run was created with. */
  config = $state.raw<TrainConfig | null>(null);

  private trainer: Trainer | null = null;
  private inputs: readonly unknown[] = [];
  private goal = 0;
  private frames = 0;
  private busy = false;
  private generation = 0;
  readonly batcher: LossBatcher;

  constructor(
    private readonly doc: StudioDocument,
    private readonly compute: ComputeState,
    private readonly charts: LossCharts,
    send: (batch: { runId: string; points: readonly LossPoint[] }) => Promise<unknown>,
  ) {
    this.batcher = new LossBatcher(send, 100, (e) => (this.error = userMessage(e)));
  }

  get busyNow(): boolean {
    return this.busy;
  }

  /** One update step. */
  async stepOnce(): Promise<void> {
    if (this.busy || this.status === 'running') return;
    if (!(await this.ensureTrainer())) return;
    if (this.diverged) return;
    await this.advance(1);
    if (this.status !== 'diverged' && this.status !== 'error') this.status = 'paused';
    await this.batcher.flush();
  }

  /** Runs to `steps` (or `steps` more when already there), a batch per animation frame. */
  async run(): Promise<void> {
    if (this.busy || this.status === 'running') return;
    if (!(await this.ensureTrainer())) return;
    if (this.diverged) return;
    const steps = this.settings?.steps ?? 10;
    this.goal = this.step >= steps ? this.step + steps : steps;
    this.status = 'running';
    this.frames = 0;
    const generation = this.generation;
    nextFrame(() => void this.frame(generation));
  }

  pause(): void {
    if (this.status === 'running') this.status = 'paused';
    void this.batcher.flush();
  }

  toggleRun(): void {
    if (this.status === 'running') this.pause();
    else void this.run();
  }

  /** Forgets the current run (its chart stays for comparison); the next Step/Run starts a new one. */
  reset(): void {
    this.generation++;
    void this.batcher.flush();
    this.trainer?.dispose();
    this.trainer = null;
    this.config = null;
    this.busy = false;
    this.status = 'idle';
    this.step = 0;
    this.weight = null;
    this.gradWeight = null;
    this.yHat = null;
    this.bias = 0;
    this.log = [];
    this.path = [];
    this.diverged = null;
    this.error = '';
    this.runId = null;
    this.settings = null;
  }

  /** What the run depends on; a change means the next Step/Run starts afresh. */
  private currentInputs(): unknown[] {
    const d = this.doc;
    return [d.training, d.x, d.k, d.mode, d.activation, d.drawnTarget, this.compute.backend];
  }

  private async ensureTrainer(): Promise<boolean> {
    const inputs = this.currentInputs();
    if (this.trainer && inputs.every((v, i) => v === this.inputs[i])) return true;
    this.reset();
    const backend = this.compute.backend;
    if (!backend) {
      this.error = 'The compute backend is still starting; try again in a moment.';
      return false;
    }
    const generation = this.generation;
    this.busy = true;
    try {
      const s = this.doc.training;
      const initWeight = initialWeight(s);
      const y =
        s.targetSource === 'drawn' && this.doc.drawnTarget
          ? this.doc.drawnTarget
          : await backend.forward(this.doc.x, this.doc.k, {
              mode: this.doc.mode,
              bias: s.targetBias,
              activation: this.doc.activation,
            });
      const config: TrainConfig = {
        x: this.doc.x,
        y: cropTarget(y, this.doc.x.rows - initWeight.rows + 1, this.doc.x.cols - initWeight.cols + 1),
        mode: this.doc.mode,
        activation: this.doc.activation,
        useBias: s.useBias,
        loss: s.loss,
        optimizer: { kind: s.optimizer, lr: s.lr },
        initWeight,
        initBias: s.initBias,
      };
      const trainer = await backend.createTrainer(config);
      if (generation !== this.generation) {
        trainer.dispose();
        return false;
      }
      this.trainer = trainer;
      this.config = config;
      this.inputs = inputs;
      this.settings = s;
      this.target = config.y;
      this.runId = newRunId();
      this.charts.addRun(this.runId, runLabel(s));
      this.weight = initWeight;
      this.bias = s.initBias;
      this.path = [this.params(initWeight, s.initBias)];
      await this.refreshOutput();
      return true;
    } catch (e) {
      this.status = 'error';
      this.error = userMessage(e);
      return false;
    } finally {
      if (generation === this.generation) this.busy = false;
    }
  }

  private params(w: Matrix, b: number): readonly [number, number] {
    return this.settings?.useBias ? [w.data[0], b] : [w.data[0], w.data[1] ?? 0];
  }

  private async frame(generation: number): Promise<void> {
    if (generation !== this.generation || this.status !== 'running') return;
    const speed = SPEEDS[this.speed];
    if (this.frames++ % speed.everyFrames === 0) {
      await this.advance(Math.min(speed.steps, this.goal - this.step));
      if (generation !== this.generation) return;
      if (this.status === 'running' && this.step >= this.goal) {
        this.status = 'done';
        await this.batcher.flush();
      }
    }
    if (this.status === 'running') nextFrame(() => void this.frame(generation));
  }

  private async advance(n: number): Promise<void> {
    const trainer = this.trainer;
    const runId = this.runId;
    if (!trainer || !runId || n <= 0) return;
    const generation = this.generation;
    this.busy = true;
    try {
      const chunk = await trainer.run(n);
      const snap = await trainer.snapshot();
      if (generation !== this.generation) return;
      const points: LossPoint[] = Array.from(chunk.losses, (loss, i) => ({
        step: chunk.firstStep + i,
        loss,
      }));
      this.batcher.add(runId, points);
      const every = this.settings?.logEvery ?? 1;
      const logged = points.filter((p) => p.step % every === 0);
      if (logged.length) this.log = [...this.log, ...logged].slice(-MAX_LOG_LINES);
      this.step = snap.step;
      this.weight = snap.weight;
      this.bias = snap.bias;
      this.gradWeight = snap.gradWeight;
      this.path = [...this.path, this.params(snap.weight, snap.bias)];
      this.doc.learnedWeight = snap.weight;
      this.doc.learnedBias = snap.bias;
      await this.refreshOutput();
      if (chunk.diverged) {
        this.diverged = chunk.diverged;
        this.status = 'diverged';
        await this.batcher.flush();
      }
    } catch (e) {
      if (generation !== this.generation) return;
      this.status = 'error';
      this.error = userMessage(e);
    } finally {
      if (generation === this.generation) this.busy = false;
    }
  }

  private async refreshOutput(): Promise<void> {
    const backend = this.compute.backend;
    const config = this.config;
    if (!backend || !config || !this.weight) return;
    this.yHat = await backend.forward(config.x, this.weight, {
      mode: config.mode,
      bias: this.bias,
      activation: config.activation,
    });
  }
}

const sessions = new WeakMap<StudioDocument, { session: TrainingSession; charts: LossCharts }>();

/** The training session of a document, kept while the Train tab is closed so a run goes on. */
export function trainingFor(
  doc: StudioDocument,
  make: () => { session: TrainingSession; charts: LossCharts },
): { session: TrainingSession; charts: LossCharts } {
  let entry = sessions.get(doc);
  if (!entry) {
    entry = make();
    sessions.set(doc, entry);
  }
  return entry;
}
