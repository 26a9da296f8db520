import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_RUN_POINTS } from '#core/workspace/schema';
import { INVOKE_CHANNELS, type LossPoint, type RunLogStatus } from '../../ipc/contract';
import { MainHandlers } from '../../main/services/handlers';
import { MAX_RUN_LOG_BYTES, RunLog } from '../../main/services/run-log';
import { browserAppInfo } from '../../main/services/app-info';

const points = (from: number, count: number): LossPoint[] =>
  Array.from({ length: count }, (_, i) => ({ step: from + i, loss: 1 / (from + i) }));

describe('run log', () => {
  let dir: string;
  let statuses: RunLogStatus[];
  let log: RunLog;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ks-runlog-'));
    statuses = [];
    log = new RunLog(join(dir, 'runs'), (s) => statuses.push(s), 5, 20);
  });
  afterEach(() => {
    log.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('survives a failed write (a folder where the log goes): reports it, keeps the points, retries', async () => {
    mkdirSync(join(dir, 'runs', 'r1.jsonl'), { recursive: true });
    log.append('r1', points(1, 3));
    // The timer's flush fails; before the fix that was an unhandled rejection (Vitest fails the run on one).
    await expect.poll(() => statuses.length).toBe(1);
    expect(statuses[0]).toMatchObject({ runId: 'r1', ok: false });
    expect(statuses[0]!.message).toBe(
      'Could not write the loss log of run r1: it is a folder, not a file. Its points are kept in memory and the write is retried.',
    );
    expect(await log.flush()).toBe(false);
    log.append('r1', points(4, 2));
    // The obstacle goes; the next retry writes everything, in order, and says so.
    rmSync(join(dir, 'runs', 'r1.jsonl'), { recursive: true });
    await expect.poll(() => statuses.length, { timeout: 2000 }).toBe(2);
    expect(statuses[1]).toMatchObject({ runId: 'r1', ok: true });
    expect(await log.read('r1')).toEqual(points(1, 5));
    // No poisoned state: later points are written and read like any others.
    log.append('r1', points(6, 1));
    expect(await log.flush()).toBe(true);
    expect(await log.read('r1')).toEqual(points(1, 6));
    expect(readFileSync(log.pathOf('r1'), 'utf8').trim().split('\n').filter(Boolean)).toHaveLength(6);
  });

  it('caps a log at a workspace run (MAX_RUN_POINTS points) and says so once', async () => {
    log.append('big', points(1, MAX_RUN_POINTS - 10));
    expect(await log.flush()).toBe(true);
    log.append('big', points(MAX_RUN_POINTS - 9, 30));
    log.append('big', points(MAX_RUN_POINTS + 21, 5));
    expect(await log.flush()).toBe(true);
    const read = await log.read('big');
    expect(read).toHaveLength(MAX_RUN_POINTS);
    expect(read.at(-1)).toEqual({ step: MAX_RUN_POINTS, loss: 1 / MAX_RUN_POINTS });
    expect(statuses).toEqual([
      {
        runId: 'big',
        ok: false,
        message: `The loss log of run big is full (${MAX_RUN_POINTS.toLocaleString('en')} points); later points are shown but not logged.`,
      },
    ]);
  });

  it('refuses a log over the limit with an error, never an empty history', async () => {
    mkdirSync(join(dir, 'runs'));
    const line = '{"step":1,"loss":0.5}\n';
    writeFileSync(log.pathOf('huge'), line.repeat(Math.ceil((MAX_RUN_LOG_BYTES + 1) / line.length)));
    await expect(log.read('huge')).rejects.toMatchObject({ code: 'too-large' });
    // A missing log is an empty history; an unreadable one is an error.
    expect(await log.read('none')).toEqual([]);
    mkdirSync(log.pathOf('dir'));
    await expect(log.read('dir')).rejects.toMatchObject({
      code: 'io',
      message: 'Could not read the loss log of run dir: it is not a file.',
    });
  });

  it('through the handlers: a too-large log is a typed error, and a failed write is broadcast', async () => {
    const events: unknown[] = [];
    const handlers = new MainHandlers({
      appInfo: browserAppInfo(),
      dataDir: dir,
      dialogs: { pickOpenPath: async () => null, pickSavePath: async () => null },
      broadcast: (event, payload) => events.push([event, payload]),
    });
    mkdirSync(join(dir, 'runs'));
    writeFileSync(join(dir, 'runs', 'huge.jsonl'), Buffer.alloc(MAX_RUN_LOG_BYTES + 1, 0x20));
    expect(await handlers.dispatch(INVOKE_CHANNELS.readLoss, ['huge'])).toMatchObject({
      ok: false,
      error: { code: 'too-large' },
    });
    mkdirSync(join(dir, 'runs', 'r2.jsonl'));
    await handlers.dispatch(INVOKE_CHANNELS.appendLoss, [{ runId: 'r2', points: points(1, 2) }]);
    await handlers.runLog.flush();
    expect(events).toContainEqual(['runLogStatus', expect.objectContaining({ runId: 'r2', ok: false })]);
    await handlers.close();
    expect(existsSync(join(dir, 'runs', 'r2.jsonl'))).toBe(true);
  });
});
