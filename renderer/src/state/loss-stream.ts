/**
 * Loss streaming from a training run to main: points are buffered and sent in
 * batches (at most one message per `intervalMs` while a run goes, never one per
 * step); main logs them to `<dataDir>/runs/<runId>.jsonl` and broadcasts them to
 * every view, and the charts draw what main broadcasts.
 */
import type { LossBatch, LossPoint } from '../../../ipc/contract';

/** main's schema takes at most 100 000 points a message; stay well below. */
const MAX_POINTS_PER_MESSAGE = 20_000;

export class LossBatcher {
  private readonly pending = new Map<string, LossPoint[]>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private chain: Promise<void> = Promise.resolve();
  /** Messages sent so far (for tests and diagnostics). */
  sent = 0;

  constructor(
    private readonly send: (batch: LossBatch) => Promise<unknown>,
    private readonly intervalMs = 100,
    private readonly onError: (error: unknown) => void = () => {},
  ) {}

  add(runId: string, points: readonly LossPoint[]): void {
    if (points.length === 0) return;
    const queue = this.pending.get(runId) ?? [];
    queue.push(...points);
    this.pending.set(runId, queue);
    this.timer ??= setTimeout(() => void this.flush(), this.intervalMs);
  }

  /** Sends everything buffered now; messages go out in order, one at a time. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batches = [...this.pending];
    this.pending.clear();
    for (const [runId, points] of batches) {
      for (let i = 0; i < points.length; i += MAX_POINTS_PER_MESSAGE) {
        const batch: LossBatch = { runId, points: points.slice(i, i + MAX_POINTS_PER_MESSAGE) };
        this.chain = this.chain.then(async () => {
          this.sent++;
          try {
            await this.send(batch);
          } catch (error) {
            this.onError(error);
          }
        });
      }
    }
    return this.chain;
  }
}

let runCounter = 0;

/**
 * A fresh run id in main's alphabet (letters, digits, '-', '_'; ≤ 64 characters), unique across
 * windows and tabs too (a random part: two tabs may start a run in the same millisecond).
 */
export function newRunId(now = Date.now()): string {
  runCounter++;
  return `run-${now}-${runCounter}-${crypto.randomUUID().slice(0, 8)}`;
}

/** Adds points to a run's series, ignoring steps it already has (a restore and a broadcast may overlap). */
export function mergePoints(
  steps: readonly number[],
  losses: readonly number[],
  points: readonly LossPoint[],
): { steps: number[]; losses: number[] } {
  const last = steps.length ? steps[steps.length - 1] : 0;
  const fresh = points.filter((p) => p.step > last);
  return { steps: [...steps, ...fresh.map((p) => p.step)], losses: [...losses, ...fresh.map((p) => p.loss)] };
}
