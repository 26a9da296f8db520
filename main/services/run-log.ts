import { createReadStream } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { KernelStudioError } from '#core/errors';
import { MAX_RUN_POINTS } from '#core/workspace/schema';
import type { LossPoint, RunLogStatus } from '../../ipc/contract';
import { describeFsError, makePrivateFolder, openPrivateLog } from '../../node/files';

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
 *
 * Appends are idempotent: each write starts by cutting the file back to the end of its last
 * whole line as known (a write cut short by a full disk, or a line torn by a crash, leaves a
 * tail that would otherwise be written again or glue the next point to a broken line).
 */
export class RunLog {
  private readonly pending = new Map<string, LossPoint[]>();
  /** Per run, what is on disk up to its last whole line (read at the first write of this session). */
  private readonly onDisk = new Map<string, WholeLines>();
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
    makePrivateFolder(this.folder);
    const handle = await openPrivateLog(this.pathOf(runId));
    let kept: readonly LossPoint[];
    try {
      const known = this.onDisk.get(runId) ?? (await wholeLines(handle));
      // Remembered before writing: a write cut short is cut back to here on the retry, never counted as written.
      this.onDisk.set(runId, known);
      kept = batch.slice(0, Math.max(0, MAX_RUN_POINTS - known.lines));
      // Anything past the last whole line is a torn tail: cut it, so no point is written twice or glued to a broken line.
      if ((await handle.stat()).size !== known.bytes) await handle.truncate(known.bytes);
      const bytes = Buffer.from(
        kept.map((p) => `${JSON.stringify({ step: p.step, loss: p.loss })}\n`).join(''),
      );
      for (let done = 0; done < bytes.length;)
        done += (await handle.write(bytes, done, bytes.length - done, known.bytes + done)).bytesWritten;
      this.onDisk.set(runId, { bytes: known.bytes + bytes.length, lines: known.lines + kept.length });
    } finally {
      await handle.close();
    }
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

/** A log's whole lines: how many, and the bytes they take (a log past the byte limit counts as full). */
interface WholeLines {
  readonly bytes: number;
  readonly lines: number;
}

async function wholeLines(handle: FileHandle): Promise<WholeLines> {
  const { size } = await handle.stat();
  if (size > MAX_RUN_LOG_BYTES) return { bytes: size, lines: MAX_RUN_POINTS };
  const chunk = Buffer.alloc(64 * 1024);
  let lines = 0;
  let bytes = 0;
  for (let at = 0; at < size;) {
    const { bytesRead } = await handle.read(chunk, 0, Math.min(chunk.length, size - at), at);
    if (bytesRead === 0) break;
    for (let i = chunk.indexOf(10); i >= 0 && i < bytesRead; i = chunk.indexOf(10, i + 1)) {
      lines++;
      bytes = at + i + 1;
    }
    at += bytesRead;
  }
  return { bytes, lines };
}
