import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LossPoint } from '../../ipc/contract';

/**
 * Each training run's loss history as an append-only JSON Lines file in the
 * app's data folder. Points are buffered and flushed in batches so a fast run
 * costs a few writes a second, not one per step; readers flush first.
 */
export class RunLog {
  private readonly pending = new Map<string, LossPoint[]>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    readonly folder: string,
    private readonly flushDelayMs = 250,
  ) {}

  pathOf(runId: string): string {
    return join(this.folder, `${runId}.jsonl`);
  }

  append(runId: string, points: readonly LossPoint[]): void {
    const queue = this.pending.get(runId) ?? [];
    queue.push(...points);
    this.pending.set(runId, queue);
    this.timer ??= setTimeout(() => void this.flush(), this.flushDelayMs);
  }

  /** Writes every buffered point; concurrent calls are serialised so lines never interleave. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batches = [...this.pending];
    this.pending.clear();
    this.flushing = this.flushing.then(async () => {
      if (batches.length === 0) return;
      await mkdir(this.folder, { recursive: true });
      for (const [runId, points] of batches) {
        const lines = points.map((p) => JSON.stringify({ step: p.step, loss: p.loss })).join('\n') + '\n';
        await appendFile(this.pathOf(runId), lines, 'utf8');
      }
    });
    return this.flushing;
  }

  async read(runId: string): Promise<LossPoint[]> {
    await this.flush();
    let text: string;
    try {
      text = await readFile(this.pathOf(runId), 'utf8');
    } catch {
      return [];
    }
    const points: LossPoint[] = [];
    for (const line of text.split('\n')) {
      if (!line) continue;
      try {
        const p = JSON.parse(line) as LossPoint;
        if (Number.isFinite(p.step) && Number.isFinite(p.loss)) points.push({ step: p.step, loss: p.loss });
      } catch {
        // A line cut short by a crash is skipped; the lines before it stay valid.
      }
    }
    return points;
  }
}
