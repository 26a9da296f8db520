import type { DocumentRuns, LossBatch, LossPoint, RunListEntry, RunLogStatus } from '../../../ipc/contract';
import type { RunRecord } from '#core/workspace/index';
import { mergePoints } from './loss-stream';
import type { RunNameParts, RunNamer } from './training-setup';

export interface ChartRun extends RunListEntry {
  readonly steps: readonly number[];
  readonly losses: readonly number[];
  /** What the run's name is made of (the window that made it knows; a pop-out shows main's label). */
  readonly name?: RunNameParts;
}

export interface LossSource {
  readLoss(runId: string): Promise<LossPoint[]>;
  onLossPoints(listener: (batch: LossBatch) => void): () => void;
  /** Main's word on the run logs (a failed or full write); optional for views that only read. */
  onRunLogStatus?(listener: (status: RunLogStatus) => void): () => void;
  /** A document's run list as main keeps it (it owns the runs with their logs). */
  getRunList(documentId: string): Promise<readonly RunListEntry[]>;
  /** Replaces a document's run list; main broadcasts it to every view. */
  setRunList(documentId: string, runs: readonly RunListEntry[]): Promise<void>;
  onRunList(listener: (list: DocumentRuns) => void): () => void;
}

/** A saved run record (from a workspace) as a chart series, named by `namer`. */
export function chartRunOf(record: RunRecord, namer: RunNamer = (r) => r.label, hidden = false): ChartRun {
  const name = { label: record.label, settings: record.settings, facts: record.facts };
  return {
    runId: record.id,
    label: namer(name),
    hidden,
    name,
    ...mergePoints([], [], record.points),
  };
}

/**
 * The runs one document's loss chart shows. Runs belong to their document: main keeps a run list
 * per document id, the document's window sets it, and its pop-out chart (`follower`) follows it.
 * Live points come only from main's broadcast (so the window and its pop-out see the same stream),
 * and only for this document's runs: a run of another window or tab is never shown here.
 */
export class LossCharts {
  runs = $state.raw<ChartRun[]>([]);
  logScale = $state(false);
  error = $state('');
  /** The latest run-log problem main reported (a write failed or a log is full); '' when none. */
  logProblem = $state('');
  private logProblemRun = '';
  private started = false;
  /** Writes runs' names in the UI's language (`setNamer` when it changes). */
  private namer: RunNamer = (run) => run.label;
  /** Runs removed here: their late points (a batch already on its way to main) do not bring them back. */
  // Not state: nothing is drawn from it.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private readonly removed = new Set<string>();

  /**
   * `documentId`: the document whose runs these are. `follower`: a view that only shows what the
   * document's window keeps (the pop-out chart): it never sets main's list, so two windows never
   * fight over it.
   */
  constructor(
    private readonly source: LossSource,
    readonly documentId: string,
    private readonly follower = false,
  ) {}

  /**
   * Subscribes to main's broadcasts and shows the document's runs (the pop-out asks main for the
   * list its document's window keeps); idempotent. Resolves once main has answered.
   */
  start(documentRuns: readonly RunRecord[] = []): { off: () => void; ready: Promise<void> } {
    if (this.started) return { off: () => undefined, ready: Promise.resolve() };
    this.started = true;
    const offPoints = this.source.onLossPoints((batch) => this.receive(batch));
    const offStatus = this.source.onRunLogStatus?.((status) => this.logStatus(status));
    const offList = this.follower
      ? this.source.onRunList((list) => {
          if (list.documentId === this.documentId) this.follow(list.runs);
        })
      : undefined;
    const off = () => {
      offPoints();
      offStatus?.();
      offList?.();
    };
    if (!this.follower) {
      this.adopt(documentRuns);
      return { off, ready: Promise.resolve() };
    }
    const ready = this.source.getRunList(this.documentId).then(
      (kept) => this.follow(kept),
      (e: unknown) => void (this.error = e instanceof Error ? e.message : String(e)),
    );
    return { off, ready };
  }

  /**
   * Makes the list match main's (the pop-out chart follows the main window this way):
   * new runs are added and filled from main's run log, labels and visibility follow,
   * removed runs go.
   */
  private follow(list: readonly RunListEntry[]): void {
    const current = this.runs;
    const find = (runId: string) => current.find((r) => r.runId === runId);
    this.runs = list.map(({ runId, label, hidden }) => ({
      steps: [],
      losses: [],
      ...find(runId),
      runId,
      label,
      hidden,
    }));
    for (const run of list.filter((s) => !find(s.runId))) this.fill(run.runId);
  }

  /** Shows exactly a document's runs (a workspace was opened, restored or made new). */
  adopt(records: readonly RunRecord[]): void {
    this.runs = records.map((r) => chartRunOf(r, this.namer));
    this.persist();
  }

  addRun(runId: string, name: RunNameParts): void {
    if (this.runs.some((r) => r.runId === runId)) return;
    this.runs = [
      ...this.runs,
      { runId, label: this.namer(name), name, hidden: false, steps: [], losses: [] },
    ];
    this.persist();
  }

  /** Names the runs in the UI's language: at once, and the runs added later (the language changed). */
  setNamer(namer: RunNamer): void {
    this.namer = namer;
    if (this.follower || !this.runs.some((r) => r.name && namer(r.name) !== r.label)) return;
    this.runs = this.runs.map((r) => (r.name ? { ...r, label: namer(r.name) } : r));
    this.persist();
  }

  toggle(runId: string): void {
    this.update(runId, (r) => ({ ...r, hidden: !r.hidden }));
    this.persist();
  }

  remove(runId: string): void {
    this.removed.add(runId);
    this.runs = this.runs.filter((r) => r.runId !== runId);
    this.persist();
  }

  clear(): void {
    for (const r of this.runs) this.removed.add(r.runId);
    this.runs = [];
    this.persist();
  }

  /** Points from main's run log (after a reload, or for a run another window started). */
  private fill(runId: string): void {
    this.source
      .readLoss(runId)
      .then((points) => this.update(runId, (r) => ({ ...r, ...mergePoints(r.steps, r.losses, points) })))
      .catch((e: unknown) => (this.error = e instanceof Error ? e.message : String(e)));
  }

  private logStatus(status: RunLogStatus): void {
    if (!status.ok) {
      this.logProblem = status.message;
      this.logProblemRun = status.runId;
    } else if (this.logProblemRun === status.runId) {
      this.logProblem = '';
      this.logProblemRun = '';
    }
  }

  private receive(batch: LossBatch): void {
    // Only this document's runs: another window's (or a removed run's late points) are not shown.
    if (this.removed.has(batch.runId) || !this.runs.some((r) => r.runId === batch.runId)) return;
    this.update(batch.runId, (r) => ({ ...r, ...mergePoints(r.steps, r.losses, batch.points) }));
  }

  private update(runId: string, change: (run: ChartRun) => ChartRun): void {
    this.runs = this.runs.map((r) => (r.runId === runId ? change(r) : r));
  }

  private persist(): void {
    if (this.follower) return;
    const plain = this.runs.map(({ runId, label, hidden }) => ({ runId, label, hidden }));
    this.source.setRunList(this.documentId, plain).catch((e: unknown) => {
      this.error = e instanceof Error ? e.message : String(e);
    });
  }
}
