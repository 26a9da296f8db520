import { untrack } from 'svelte';
import { userMessage } from '#core/errors';
import { forwardLayerCpu } from '#core/cpu/layer';
import type { ComputeBackend, LayerTrainConfig, LayerTrainer } from '#core/layer-types';
import type { Tensor3, Weights } from '#core/tensor';
import type { DivergenceInfo, TrainChunk, TrainerResumeState } from '#core/types';
import type { LossPoint } from '../../../ipc/contract';
import { moveTrainer } from '../compute/handover';
import type { ComputeState } from './compute.svelte';
import { LossBatcher, newRunId } from './loss-stream';
import { nextFrame } from './next-frame';
import type { StudioDocument, TrainingSettings } from './studio.svelte';
import type { LossCharts } from './training-charts.svelte';
import { detectGrowth, firstGrowth, type GrowthOptions, type LossGrowth } from '#core/train/growth';
import { layerLrLimit } from '#core/train/lr-limit';
import { sameTrainingInputs, trainingInputsOf, trainingSetup, type TrainingInputs } from '#core/train/setup';
import { layerSnapshotOf } from '#core/train/resume';
import { MAX_TRAINER_PARAMS } from '#core/workspace/index';
import { resumeStateOf, savedTrainerOf, type SavedTrainer } from '#core/workspace/model';
import {
  englishRunNamer,
  nextRunNumber,
  nowIso,
  runGoal,
  thinPoints,
  upsertRun,
  type RunNameParts,
  type RunNamer,
} from './training-setup';

export type RunStatus = 'idle' | 'running' | 'paused' | 'growing' | 'done' | 'diverged' | 'error';
export type Speed = 'slow' | 'normal' | 'fast' | 'max';

/** Steps per animation frame, and every how many frames a batch runs. */
export const SPEEDS: Record<Speed, { readonly steps: number; readonly everyFrames: number }> = {
  slow: { steps: 1, everyFrames: 8 },
  normal: { steps: 1, everyFrames: 1 },
  fast: { steps: 10, everyFrames: 1 },
  max: { steps: 250, everyFrames: 1 },
};

const MAX_LOG_LINES = 500;

/**
 * One training run driven from the UI: Step, Run (batched steps per animation
 * frame, never blocking), Pause, Reset. Losses go to main through a LossBatcher;
 * the log panel, heatmaps and landscape path are fed from here. When the run
 * stops (pause, done, divergence) it is recorded in the document's `runs`, and
 * the learned layer (O×C×kh×kw weights, O biases) in `learnedWeight`/`learnedBias`. If the backend changes mid-run (a lost
 * GPU device, or the user's choice) the run moves over with its optimizer state.
 */
export class TrainingSession {
  status = $state<RunStatus>('idle');
  step = $state(0);
  speed = $state<Speed>('normal');
  /** The target Y the run learns (O×Ho×Wo, cropped to the learned layer's output). */
  target = $state.raw<Tensor3 | null>(null);
  /** The learned layer's weights (O×C×kh×kw) and its O biases. */
  weight = $state.raw<Weights | null>(null);
  bias = $state.raw<readonly number[]>([]);
  gradWeight = $state.raw<Weights | null>(null);
  /** The learned layer's output Ŷ (O×Ho×Wo). */
  yHat = $state.raw<Tensor3 | null>(null);
  log = $state.raw<LossPoint[]>([]);
  /** The trainable parameters after each update (for the landscape path). */
  path = $state.raw<(readonly [number, number])[]>([]);
  diverged = $state.raw<DivergenceInfo | null>(null);
  /** The loss is growing (far above the first step's, or rising step after step): the run paused at `growth.step`. */
  growth = $state.raw<(LossGrowth & { readonly lrLimit: number | null }) | null>(null);
  /** The user chose to go on after a growth warning: no second warning for this run. */
  private growthAccepted = false;
  error = $state('');
  /** Set when the run moved to another backend: where to, and at which step. */
  handover = $state.raw<{ backend: string; step: number; paused?: boolean } | null>(null);
  runId = $state<string | null>(null);
  /** What the current run's name is made of (its settings and facts); null before the first Step/Run. */
  name = $state.raw<RunNameParts | null>(null);
  /** The settings of the current run (null before the first Step/Run). */
  settings = $state.raw<TrainingSettings | null>(null);
  /** The config the current run was created with. */
  config = $state.raw<LayerTrainConfig | null>(null);

  /** The current run's name in the UI's language ("Run 3 · lr 0.03 · …"): run list, chart legend and log. */
  get label(): string {
    return this.name ? this.nameRun(this.name) : '';
  }

  /** The output channel picked in the Train views (0-based); `output` keeps it within the layer shown. */
  private pickedOutput = $state(0);

  private trainer: LayerTrainer | null = null;
  /** A saved run waiting to be continued by the next Step/Run, and the inputs it was saved with. */
  private resumeFrom: { state: TrainerResumeState; inputs: TrainingInputs } | null = null;
  private trainerBackend: ComputeBackend | null = null;
  private inputs: TrainingInputs | null = null;
  private points: LossPoint[] = [];
  private createdAt = '';
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
    private readonly nameRun: RunNamer = englishRunNamer,
  ) {
    this.batcher = new LossBatcher(send, 100, (e) => (this.error = userMessage(e)));
    // A whole new document (New, Open, Restore): forget the old run, show the new document's runs.
    let seen = doc.loads;
    $effect.root(() => {
      $effect(() => {
        const loads = doc.loads;
        if (loads === seen) return;
        seen = loads;
        untrack(() => {
          this.reset(false);
          this.charts.adopt(doc.runs);
          this.showSaved();
        });
      });
    });
    this.showSaved();
  }

  /**
   * A document that holds a learned kernel and its run's state (a reopened
   * workspace): show that kernel, bias and step, paused, and let the next
   * Step/Run continue it exactly (optimizer moments included) while the
   * settings, X, K and target stay as saved.
   */
  private showSaved(): void {
    const saved = this.doc.trainer;
    const weight = this.doc.learnedWeight;
    if (!saved || !weight) return;
    const run = this.doc.runs.find((r) => r.id === saved.runId);
    const settings = this.doc.training;
    this.runId = saved.runId;
    this.name = run
      ? { label: run.label, settings: run.settings, facts: run.facts }
      : { label: saved.runId, settings };
    this.settings = settings;
    this.createdAt = run?.createdAt ?? nowIso();
    this.points = run ? [...run.points] : [];
    this.log = this.points.filter((p) => p.step % settings.logEvery === 0).slice(-MAX_LOG_LINES);
    this.step = saved.step;
    this.weight = weight;
    this.bias = this.doc.learnedBias;
    this.status = 'paused';
    const state = resumeStateOf(saved);
    this.resumeFrom = { state, inputs: this.currentInputs() };
    try {
      const { config } = trainingSetup(this.doc);
      const snap = layerSnapshotOf(state, config.initWeight);
      this.target = config.y;
      this.gradWeight = snap.gradWeight;
      this.yHat = forwardLayerCpu(config.x, snap.weight, snap.bias, config.spec);
    } catch {
      // The saved state does not fit the document (edited by hand): the next Step/Run says why.
    }
  }

  /** How many output channels the Train views show: the run's layer, or the document's before a run. */
  get outputs(): number {
    return this.weight?.outChannels ?? this.doc.kernels.length;
  }

  /** The output channel the Train views show, and Export's Y and Ŷ images take (0-based). */
  get output(): number {
    return Math.max(0, Math.min(this.pickedOutput, this.outputs - 1));
  }
  set output(o: number) {
    this.pickedOutput = o;
  }

  /** Reset: forgets the run, and the learned kernel Export would offer (the chart keeps the run for comparison). */
  clear(): void {
    this.reset();
    this.doc.learnedWeight = null;
    this.doc.learnedBias = [];
    this.doc.trainer = null;
  }

  /** One update step. */
  async stepOnce(): Promise<void> {
    if (this.busy || this.status === 'running') return;
    this.acceptGrowth();
    if (!(await this.ensureTrainer())) return;
    if (this.diverged) return;
    await this.advance(1);
    if (this.status !== 'diverged' && this.status !== 'error' && this.status !== 'growing')
      this.status = 'paused';
    this.record();
    await this.batcher.flush();
  }

  /** Runs to `steps` (or `steps` more when already there), a batch per animation frame. */
  async run(): Promise<void> {
    if (this.busy || this.status === 'running') return;
    this.acceptGrowth();
    if (!(await this.ensureTrainer())) return;
    if (this.diverged) return;
    const steps = this.settings?.steps ?? 10;
    this.goal = runGoal(this.step, steps);
    this.status = 'running';
    this.frames = 0;
    const generation = this.generation;
    nextFrame(() => void this.frame(generation));
  }

  /** Step or Run after a growth warning: the user goes on anyway. */
  private acceptGrowth(): void {
    if (!this.growth) return;
    this.growth = null;
    this.growthAccepted = true;
  }

  pause(): void {
    if (this.status === 'running') this.status = 'paused';
    this.record();
    void this.batcher.flush();
  }

  toggleRun(): void {
    if (this.status === 'running') this.pause();
    else void this.run();
  }

  /** Forgets the current run (its chart and record stay for comparison); the next Step/Run starts a new one. */
  reset(keep = true): void {
    if (keep) this.record();
    this.generation++;
    void this.batcher.flush();
    this.trainer?.dispose();
    this.trainer = null;
    this.trainerBackend = null;
    this.config = null;
    this.busy = false;
    this.status = 'idle';
    this.step = 0;
    this.weight = null;
    this.gradWeight = null;
    this.yHat = null;
    this.bias = [];
    this.log = [];
    this.path = [];
    this.points = [];
    this.diverged = null;
    this.growth = null;
    this.growthAccepted = false;
    this.error = '';
    this.handover = null;
    this.runId = null;
    this.name = null;
    this.settings = null;
    this.resumeFrom = null;
  }

  /**
   * Removes runs from the chart and from the document (what a saved workspace holds). The
   * current run, when removed, ends as Reset ends it but is not recorded again, and its saved
   * state goes (the learned layer stays for Export).
   */
  removeRuns(ids: readonly string[]): void {
    for (const id of ids) this.charts.remove(id);
    this.doc.runs = this.doc.runs.filter((r) => !ids.includes(r.id));
    if (this.runId && ids.includes(this.runId)) this.reset(false);
    if (this.doc.trainer && ids.includes(this.doc.trainer.runId)) this.doc.trainer = null;
  }

  /**
   * Writes the running run's points so far and its learned layer into the document, as a pause
   * would, without stopping it. Save calls this first (`trainingOf`), so a saved workspace holds
   * exactly the runs the chart shows, the running one included; a run is otherwise recorded when
   * it pauses or stops.
   */
  recordRunning(): void {
    if (this.status === 'running') this.record();
  }

  /** Writes the current run's history and learned kernel into the document (one assignment each). */
  private record(): void {
    const { runId, settings } = this;
    if (!runId || !settings || this.points.length === 0 || !this.weight) return;
    this.doc.runs = upsertRun(this.doc.runs, {
      id: runId,
      label: this.label,
      ...(this.name?.facts ? { facts: this.name.facts } : {}),
      createdAt: this.createdAt,
      settings,
      points: thinPoints(this.points),
    });
    this.doc.learnedWeight = this.weight;
    this.doc.learnedBias = this.bias;
    this.doc.trainer = this.exportRun(runId);
  }

  /**
   * The run's state for the workspace; null after divergence (a diverged run is not continued),
   * for a layer too large to save its moments, or if it cannot export.
   */
  private exportRun(runId: string): SavedTrainer | null {
    if (!this.trainer || this.diverged) return null;
    try {
      const state = this.trainer.exportState();
      return state.params.length > MAX_TRAINER_PARAMS ? null : savedTrainerOf(runId, state);
    } catch {
      return null;
    }
  }

  /** What the run depends on; a change means the next Step/Run starts afresh. The backend is not here: a run moves. */
  private currentInputs(): TrainingInputs {
    return trainingInputsOf(this.doc);
  }

  private async ensureTrainer(): Promise<boolean> {
    const inputs = this.currentInputs();
    if (this.trainer && sameTrainingInputs(inputs, this.inputs)) {
      if (this.compute.backend === this.trainerBackend || (await this.handOver())) return true;
    }
    const resume =
      !this.trainer && this.resumeFrom && sameTrainingInputs(inputs, this.resumeFrom.inputs)
        ? this.resumeFrom
        : null;
    if (resume) return this.resumeSaved(resume.state);
    this.reset();
    return this.startTrainer(undefined, async (config) => {
      const s = this.doc.training;
      this.inputs = inputs;
      this.settings = s;
      this.runId = newRunId();
      this.createdAt = nowIso();
      // The document's runs and the chart's (a run not yet recorded), each once (a local, not state).
      // eslint-disable-next-line svelte/prefer-svelte-reactivity
      const facts = new Map(this.doc.runs.map((r) => [r.id, r.facts]));
      for (const r of this.charts.runs) facts.set(r.runId, r.name?.facts);
      const number = nextRunNumber(
        [...facts.values()].map((f) => ({ facts: f })),
        this.doc.lastRunNumber,
      );
      this.doc.lastRunNumber = number;
      this.name = {
        label: '',
        settings: s,
        facts: {
          number,
          mode: config.spec.mode,
          outChannels: config.initWeight.outChannels,
          inChannels: config.initWeight.inChannels,
          backend: this.trainerBackend?.label ?? '',
        },
      };
      this.charts.addRun(this.runId, this.name);
      this.weight = config.initWeight;
      this.bias = Array.from(config.initBias);
      this.path = [this.params(config.initWeight, this.bias)];
    });
  }

  /** Continues the run a reopened workspace saved: same run id, step, kernel and optimizer moments. */
  private resumeSaved(state: TrainerResumeState): Promise<boolean> {
    return this.startTrainer(state, async (_config, trainer) => {
      this.inputs = this.resumeFrom?.inputs ?? this.currentInputs();
      this.resumeFrom = null;
      const snap = await trainer.snapshot();
      this.gradWeight = snap.gradWeight;
      this.path = [this.params(snap.weight, Array.from(snap.bias))];
    });
  }

  /**
   * Builds the document's setup and a trainer for it on the active backend (fresh, or from a
   * saved `state`), then lets `started` fill in the run's view state. A GPU without room for a
   * fresh run hands it to the CPU; a saved state that does not fit says why and is dropped.
   */
  private async startTrainer(
    state: TrainerResumeState | undefined,
    started: (config: LayerTrainConfig, trainer: LayerTrainer) => Promise<void>,
  ): Promise<boolean> {
    const backend = this.compute.backend;
    if (!backend) {
      this.error = 'The compute backend is still starting; try again in a moment.';
      return false;
    }
    const generation = this.generation;
    this.busy = true;
    try {
      const { config } = trainingSetup(this.doc);
      const trainer = await backend.createLayerTrainer(config, state);
      if (generation !== this.generation) {
        trainer.dispose();
        return false;
      }
      this.trainer = trainer;
      this.trainerBackend = backend;
      this.config = config;
      this.target = config.y;
      await started(config, trainer);
      await this.refreshOutput();
      return true;
    } catch (e) {
      if (state) {
        // The saved state does not fit the current setup: start afresh instead.
        this.resumeFrom = null;
        this.error = userMessage(e);
        return false;
      }
      if (generation === this.generation && this.compute.fallBackAfterOutOfMemory(backend, e)) {
        // The GPU had no room for this run: start it on the CPU (or move it, if it already began).
        if (!this.trainer) return await this.ensureTrainer();
        if (await this.handOver()) {
          await this.refreshOutput();
          return true;
        }
      }
      this.status = 'error';
      this.error = userMessage(e);
      return false;
    } finally {
      if (generation === this.generation) this.busy = false;
    }
  }

  /**
   * The backend changed under a live run: export the run's whole state (weights,
   * step, optimizer moments) and continue it on the new backend, same run id.
   */
  private async handOver(): Promise<boolean> {
    const old = this.trainer;
    const backend = this.compute.backend;
    const config = this.config;
    if (!old || !backend || !config) return false;
    const moved = await moveTrainer(old, config, backend);
    if (!moved) return false;
    old.dispose();
    this.trainer = moved.trainer;
    this.trainerBackend = backend;
    this.handover = { backend: backend.label, step: moved.step };
    return true;
  }

  /** After a lost device: ComputeState's failover resolves with the backend that replaces it; the run moves there. */
  private async recoverFromDeviceLoss(lost: ComputeBackend | null, error: unknown): Promise<boolean> {
    return (await this.compute.failOver(lost, error)) !== null && this.handOver();
  }

  /** The point on the landscape (drawn only for a 2-parameter layer: one kernel, C = O = 1). */
  private params(w: Weights, b: readonly number[]): readonly [number, number] {
    return this.settings?.useBias ? [w.data[0], b[0] ?? 0] : [w.data[0], w.data[1] ?? 0];
  }

  private async frame(generation: number): Promise<void> {
    if (generation !== this.generation || this.status !== 'running') return;
    const speed = SPEEDS[this.speed];
    if (this.frames++ % speed.everyFrames === 0) {
      await this.advance(Math.min(speed.steps, this.goal - this.step));
      if (generation !== this.generation) return;
      if (this.status === 'running' && this.step >= this.goal) {
        this.status = 'done';
        this.record();
        await this.batcher.flush();
      }
    }
    if (this.status === 'running') nextFrame(() => void this.frame(generation));
  }

  /**
   * An unexpected device loss pauses the run once it sits on the CPU: the user
   * chooses to go on there or to retry the GPU first (issue: never surprise them
   * with a 100× slower run). A deliberate `destroy()` leaves no `deviceLost` and
   * the run simply continues.
   */
  private pauseIfDeviceLost(): void {
    if (!this.compute.deviceLost || this.status !== 'running') return;
    this.pause();
    if (this.handover) this.handover = { ...this.handover, paused: true };
  }

  private async advance(n: number): Promise<void> {
    if (this.trainer && this.compute.backend && this.compute.backend !== this.trainerBackend) {
      if ((await this.handOver()) && this.compute.deviceLost) {
        this.pauseIfDeviceLost();
        return;
      }
    }
    const runId = this.runId;
    if (!this.trainer || !runId || n <= 0) return;
    const generation = this.generation;
    this.busy = true;
    try {
      const chunk = await this.runWatched(n);
      const trainer = this.trainer;
      if (!trainer || generation !== this.generation) return;
      const snap = await trainer.snapshot();
      if (generation !== this.generation) return;
      const points: LossPoint[] = Array.from(chunk.losses, (loss, i) => ({
        step: chunk.firstStep + i,
        loss,
      }));
      this.batcher.add(runId, points);
      this.points.push(...points);
      const every = this.settings?.logEvery ?? 1;
      const logged = points.filter((p) => p.step % every === 0);
      if (logged.length) this.log = [...this.log, ...logged].slice(-MAX_LOG_LINES);
      this.step = snap.step;
      this.weight = snap.weight;
      this.bias = Array.from(snap.bias);
      this.gradWeight = snap.gradWeight;
      this.path = [...this.path, this.params(snap.weight, this.bias)];
      await this.refreshOutput();
      if (!chunk.diverged) this.watchGrowth();
      if (chunk.diverged) {
        this.diverged = chunk.diverged;
        this.status = 'diverged';
        this.record();
        await this.batcher.flush();
      }
    } catch (e) {
      if (generation !== this.generation) return;
      // The steps of a chunk cut off by a lost device or a full GPU were never reported: the run repeats them elsewhere.
      if (this.compute.fallBackAfterOutOfMemory(this.trainerBackend, e) && (await this.handOver())) return;
      if (await this.recoverFromDeviceLoss(this.trainerBackend, e)) {
        this.pauseIfDeviceLost();
        return;
      }
      this.status = 'error';
      this.error = userMessage(e);
      this.record();
    } finally {
      if (generation === this.generation) this.busy = false;
    }
  }

  /** What growth detection knows of the run: plain gradient descent's loss never rises while it converges. */
  private growthOptions(): GrowthOptions {
    return { monotone: this.settings?.optimizer === 'sgd' };
  }

  /**
   * Runs `n` steps; when growth is watched and a batch goes past the step where the loss was first
   * seen growing (or diverges after it), the run is taken back to its state before the batch and
   * run again to that step only (runs are deterministic), so the warning comes at the same step
   * whatever the speed (steps per frame).
   */
  private async runWatched(n: number): Promise<TrainChunk> {
    const trainer = this.trainer!;
    const watched = n > 1 && !this.growthAccepted && !this.growth && this.config && this.trainerBackend;
    const before = watched ? trainer.exportState() : null;
    const chunk = await trainer.run(n);
    if (!before || this.trainer !== trainer) return chunk;
    const points = [
      ...this.points,
      ...Array.from(chunk.losses, (loss, i) => ({ step: chunk.firstStep + i, loss })),
    ];
    const growth = firstGrowth(points, this.points.length, this.growthOptions());
    const steps = growth ? growth.step - chunk.firstStep + 1 : chunk.losses.length;
    if (!growth || (steps >= chunk.losses.length && !chunk.diverged)) return chunk;
    const again = await this.trainerBackend!.createLayerTrainer(this.config!, before);
    trainer.dispose();
    this.trainer = again;
    return again.run(steps);
  }

  /** Pauses the run with a warning the first time its loss is seen growing (the step shown is the step reached). */
  private watchGrowth(): void {
    if (this.growthAccepted || this.growth || !this.config) return;
    const growth = detectGrowth(this.points, this.growthOptions());
    if (!growth) return;
    // The layer's own limit, for any layer (with ReLU a bound: below it plain descent is stable).
    this.growth = { ...growth, lrLimit: layerLrLimit(this.config) };
    this.status = 'growing';
    this.record();
    void this.batcher.flush();
  }

  private async refreshOutput(): Promise<void> {
    const backend = this.compute.backend;
    const config = this.config;
    if (!backend || !config || !this.weight) return;
    this.yHat = await backend.forwardLayer(config.x, this.weight, this.bias, config.spec);
  }
}

const sessions = new WeakMap<StudioDocument, { session: TrainingSession; charts: LossCharts }>();

/** The output channel the document's Train views show (0 before the Train tab was opened): Export's default. */
export function shownOutputOf(doc: StudioDocument): number {
  return sessions.get(doc)?.session.output ?? 0;
}

/** Weights this large come from a run that blew up, not from learning (Export says so). */
export const HUGE_WEIGHT = 1e6;

/**
 * Why the document's learned layer is no useful result, for Export's note: its run diverged or was
 * growing when it stopped, or its values are huge (a run of an earlier session); null when fine.
 */
export function learnedTroubleOf(doc: StudioDocument): 'diverged' | 'growing' | 'huge' | null {
  const weight = doc.learnedWeight;
  if (!weight) return null;
  const session = trainingOf(doc);
  if (session?.weight === weight && session.diverged) return 'diverged';
  if (session?.weight === weight && session.growth) return 'growing';
  const max = Math.max(...Array.from(weight.data, Math.abs), ...doc.learnedBias.map(Math.abs));
  return max >= HUGE_WEIGHT ? 'huge' : null;
}

/** The document's training session, if the Train view made one (Save asks it for the running run). */
export function trainingOf(doc: StudioDocument): TrainingSession | undefined {
  return sessions.get(doc)?.session;
}

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
