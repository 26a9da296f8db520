import type { LossBatch, LossPoint } from '../../../ipc/contract';
import { loadSavedRuns, mergePoints, saveRuns, type SavedRun } from './loss-stream';

export interface ChartRun extends SavedRun {
  readonly steps: readonly number[];
  readonly losses: readonly number[];
}

export interface LossSource {
  readLoss(runId: string): Promise<LossPoint[]>;
  onLossPoints(listener: (batch: LossBatch) => void): () => void;
}

/**
 * The runs the loss chart shows, fed only by main's broadcast (so every view sees
 * the same stream) and restored from main's run log after a reload.
 */
export class LossCharts {
  runs = $state.raw<ChartRun[]>([]);
  logScale = $state(false);
  error = $state('');
  private started = false;

  constructor(private readonly source: LossSource) {}

  /** Subscribes to main's broadcast and restores the saved runs; idempotent. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.source.onLossPoints((batch) => this.receive(batch));
    const saved = loadSavedRuns();
    this.runs = saved.map((r) => ({ ...r, steps: [], losses: [] }));
    for (const run of saved) {
      this.source
        .readLoss(run.runId)
        .then((points) =>
          this.update(run.runId, (r) => ({ ...r, ...mergePoints(r.steps, r.losses, points) })),
        )
        .catch((e: unknown) => (this.error = e instanceof Error ? e.message : String(e)));
    }
  }

  addRun(runId: string, label: string): void {
    if (this.runs.some((r) => r.runId === runId)) return;
    this.runs = [...this.runs, { runId, label, hidden: false, steps: [], losses: [] }];
    this.persist();
  }

  toggle(runId: string): void {
    this.update(runId, (r) => ({ ...r, hidden: !r.hidden }));
    this.persist();
  }

  remove(runId: string): void {
    this.runs = this.runs.filter((r) => r.runId !== runId);
    this.persist();
  }

  clear(): void {
    this.runs = [];
    this.persist();
  }

  private receive(batch: LossBatch): void {
    // A run started in another view is shown too, labelled by its id.
    if (!this.runs.some((r) => r.runId === batch.runId)) this.addRun(batch.runId, batch.runId);
    this.update(batch.runId, (r) => ({ ...r, ...mergePoints(r.steps, r.losses, batch.points) }));
  }

  private update(runId: string, change: (run: ChartRun) => ChartRun): void {
    this.runs = this.runs.map((r) => (r.runId === runId ? change(r) : r));
  }

  private persist(): void {
    saveRuns(this.runs);
  }
}
