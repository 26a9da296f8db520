import { createReadStream } from 'node:fs';
import { appendFile, mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { KernelStudioError } from '#core/errors';
import { MAX_RUN_POINTS } from '#core/workspace/schema';
import type { LossPoint, RunLogStatus } from '../../ipc/contract';
import { describeFsError } from '../../node/files';

/**
 * The longest line a point can take: `{"step":1000000000,"loss":-1.2345678901234567e-308}` plus
 * its newline is 52 bytes; 64 leaves room.
 */
const MAX_LINE_BYTES = 64;
/** A run log holds at most a workspace's run (MAX_RUN_POINTS points); a bigger file is not read. */
export const MAX_RUN_LOG_BYTES = MAX_RUN_POINTS * MAX_LINE_BYTES;

/**
 * Each training run's loss history as an append-only JSON Lines file in the
 * app's data folder. Points are buffered and flushed in batches so a fast run
 * costs a few writes a second, not one per step; readers flush first.
 *
 * A failed write (full disk, no permission, a folder in the way) never throws
 * out of the timer: the points stay in memory, `onStatus` tells the UI, and the
 * write is retried with a growing delay until it succeeds. A log is capped at
 * MAX_RUN_POINTS points; later points of that run are dropped, and the UI is told.
 */
export class RunLog {
  private readonly pending = new Map<string, LossPoint[]>();
  /** Lines on disk per run, counted at the first write of this session. */
  private readonly lines = new Map<string, number>();
  /** Runs whose last write failed (the UI was told; a success tells it again). */
  private readonly failing = new Set<string>();
  private readonly full = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private retryMs = 0;
  private flushing: Promise<boolean> = Promise.resolve(true);

  constructor(
    readonly folder: string,
    private readonly onStatus: (status: RunLogStatus) => void = () => undefined,
    private readonly flushDelayMs = 250,
    private readonly maxRetryMs = 30_000,
  ) {}

  pathOf(runId: string): string {
    return join(this.folder, `${runId}.jsonl`);
  }

  append(runId: string, points: readonly LossPoint[]): void {
    if (this.full.has(runId)) return;
    const queue = this.pending.get(runId) ?? [];
    const room = MAX_RUN_POINTS - queue.length;
    queue.push(...points.slice(0, Math.max(0, room)));
    this.pending.set(runId, queue);
    if (points.length > room) this.markFull(runId);
    this.schedule(this.flushDelayMs);
  }

  /**
   * Writes every buffered point; concurrent calls are serialised so lines never
   * interleave. Never rejects: resolves false when some run could not be written
   * (its points stay buffered and a retry is scheduled).
   */
  flush(): Promise<boolean> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.flushing = this.flushing.then(() => this.writePending());
    return this.flushing;
  }

  /** Cancels the retry timer (the app is closing); buffered points are flushed once first by the caller. */
  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /**
   * The run's points: the file, read line by line (bounded memory), then any
   * points not yet written. A log over MAX_RUN_LOG_BYTES or one that cannot be
   * read is an error, never an empty history.
   */
  async read(runId: string): Promise<LossPoint[]> {
    await this.flush();
    const points = await this.readFile(runId);
    return [...points, ...(this.pending.get(runId) ?? [])];
  }

  private schedule(delayMs: number): void {
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, delayMs);
  }

  private async writePending(): Promise<boolean> {
    let allWritten = true;
    for (const [runId, queue] of [...this.pending]) {
      const batch = queue.splice(0);
      if (batch.length === 0) {
        this.pending.delete(runId);
        continue;
      }
      try {
        await this.writeRun(runId, batch);
        if (this.pending.get(runId)?.length === 0) this.pending.delete(runId);
        if (this.failing.delete(runId))
          this.onStatus({ runId, ok: true, message: `The loss log of run ${runId} is written again.` });
      } catch (error) {
        allWritten = false;
        this.pending.set(runId, [...batch, ...(this.pending.get(runId) ?? [])]);
        if (!this.failing.has(runId)) {
          this.failing.add(runId);
          this.onStatus({
            runId,
            ok: false,
            message: `Could not write the loss log of run ${runId}: ${describeFsError(error)}. Its points are kept in memory and the write is retried.`,
          });
        }
      }
    }
    if (allWritten) this.retryMs = 0;
    else {
      this.retryMs = Math.min(Math.max(this.retryMs * 2, 1000), this.maxRetryMs);
      this.schedule(this.retryMs);
    }
    return allWritten;
  }

  private async writeRun(runId: string, batch: readonly LossPoint[]): Promise<void> {
    const path = this.pathOf(runId);
    await mkdir(this.folder, { recursive: true });
    const onDisk = this.lines.get(runId) ?? (await linesOnDisk(path));
    const room = Math.max(0, MAX_RUN_POINTS - onDisk);
    const kept = batch.slice(0, room);
    // After a failed write a partial line may sit at the end: start on a fresh line.
    const text =
      (this.failing.has(runId) ? '\n' : '') +
      kept.map((p) => `${JSON.stringify({ step: p.step, loss: p.loss })}\n`).join('');
    if (kept.length) await appendFile(path, text, 'utf8');
    this.lines.set(runId, onDisk + kept.length);
    if (kept.length < batch.length) this.markFull(runId);
  }

  private markFull(runId: string): void {
    if (this.full.has(runId)) return;
    this.full.add(runId);
    this.onStatus({
      runId,
      ok: false,
      message: `The loss log of run ${runId} is full (${MAX_RUN_POINTS.toLocaleString('en')} points); later points are shown but not logged.`,
    });
  }

  private async readFile(runId: string): Promise<LossPoint[]> {
    const path = this.pathOf(runId);
    const fail = (reason: string) =>
      new KernelStudioError('io', `Could not read the loss log of run ${runId}: ${reason}.`);
    let size: number;
    try {
      const info = await stat(path);
      if (!info.isFile()) throw fail('it is not a file');
      size = info.size;
    } catch (error) {
      if ((error as { code?: unknown }).code === 'ENOENT') return [];
      throw error instanceof KernelStudioError ? error : fail(describeFsError(error));
    }
    if (size > MAX_RUN_LOG_BYTES)
      throw new KernelStudioError(
        'too-large',
        `The loss log of run ${runId} is ${(size / 1024 / 1024).toFixed(1)} MiB; the most a run log may hold is ${MAX_RUN_LOG_BYTES / 1024 / 1024} MiB (${MAX_RUN_POINTS.toLocaleString('en')} points).`,
      );
    const points: LossPoint[] = [];
    try {
      // The size was checked, but the file may grow meanwhile: stop at the limit, never read past it.
      const stream = createReadStream(path, { encoding: 'utf8', end: MAX_RUN_LOG_BYTES - 1 });
      for await (const line of createInterface({ input: stream, crlfDelay: Infinity })) {
        const p = parsePoint(line);
        if (p && points.length < MAX_RUN_POINTS) points.push(p);
      }
    } catch (error) {
      throw fail(describeFsError(error));
    }
    return points;
  }
}

/** One log line as a point; a line cut short by a crash (or anything else) is skipped. */
function parsePoint(line: string): LossPoint | null {
  if (!line || line.length > MAX_LINE_BYTES) return null;
  try {
    const p = JSON.parse(line) as { step?: unknown; loss?: unknown } | null;
    return typeof p?.step === 'number' &&
      typeof p.loss === 'number' &&
      Number.isFinite(p.step) &&
      Number.isFinite(p.loss)
      ? { step: p.step, loss: p.loss }
      : null;
  } catch {
    return null;
  }
}

/** How many lines a log already holds (a log past the byte limit counts as full). */
async function linesOnDisk(path: string): Promise<number> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return 0;
    throw error;
  }
  if (size > MAX_RUN_LOG_BYTES) return MAX_RUN_POINTS;
  let count = 0;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>)
    for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) count++;
  return count;
}
