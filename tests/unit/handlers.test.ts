import fc from 'fast-check';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { INVOKE_CHANNELS, type AppInfo, type LossBatch, type MainEvents } from '../../ipc/contract';
import type { Dialogs } from '../../main/services/context';
import { MainHandlers } from '../../main/services/handlers';

const appInfo: AppInfo = {
  name: 'Kernel Studio',
  version: '0.0.0-test',
  runtime: 'browser',
  platform: 'linux',
  electronVersion: '',
  chromeVersion: '',
  nodeVersion: process.versions.node,
};

describe('main handlers', () => {
  let dataDir: string;
  let picked: { open: string | null; save: string | null };
  let events: Array<[keyof MainEvents, unknown]>;
  let handlers: MainHandlers;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'ks-handlers-'));
    picked = { open: null, save: null };
    events = [];
    const dialogs: Dialogs = {
      pickOpenPath: async () => picked.open,
      pickSavePath: async () => picked.save,
    };
    handlers = new MainHandlers({ appInfo, dataDir, dialogs, broadcast: (e, p) => events.push([e, p]) });
  });
  afterEach(async () => {
    await handlers.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers a well-formed call', async () => {
    expect(await handlers.dispatch(INVOKE_CHANNELS.getAppInfo, [])).toEqual({ ok: true, value: appInfo });
  });

  it('rejects a malformed argument with a typed error, before the handler runs', async () => {
    const result = await handlers.dispatch(INVOKE_CHANNELS.appendLoss, [
      { runId: '../../etc/passwd', points: [] },
    ]);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('invalid-argument');
      expect(result.error.message).toMatch(/runId/);
    }
    expect(existsSync(join(dataDir, 'runs'))).toBe(false);
  });

  it('rejects NaN losses and unknown channels', async () => {
    const nan = await handlers.dispatch(INVOKE_CHANNELS.appendLoss, [
      { runId: 'r1', points: [{ step: 1, loss: NaN }] },
    ]);
    expect(nan).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
    const unknown = await handlers.dispatch('shell:exec', ['rm -rf /']);
    expect(unknown).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
  });

  it('appends loss points to the run log on disk and broadcasts them', async () => {
    const batch: LossBatch = {
      runId: 'run-1',
      points: [
        { step: 1, loss: 14.58 },
        { step: 2, loss: 6.83 },
      ],
    };
    expect(await handlers.dispatch(INVOKE_CHANNELS.appendLoss, [batch])).toEqual({
      ok: true,
      value: undefined,
    });
    expect(events).toEqual([['lossPoints', batch]]);
    const read = await handlers.dispatch(INVOKE_CHANNELS.readLoss, ['run-1']);
    expect(read).toEqual({ ok: true, value: batch.points });
    const lines = readFileSync(join(dataDir, 'runs', 'run-1.jsonl'), 'utf8')
      .trim()
      .split('\n');
    expect(lines.map((l) => JSON.parse(l))).toEqual(batch.points);
  });

  it('saves only where the user picked, atomically', async () => {
    const target = join(dataDir, 'picked.kstudio');
    const refused = await handlers.dispatch(INVOKE_CHANNELS.saveText, [
      { kind: 'workspace', path: target, suggestedName: 'a.kstudio', text: 'x' },
    ]);
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(existsSync(target)).toBe(false);

    picked.save = target;
    const saved = await handlers.dispatch(INVOKE_CHANNELS.saveText, [
      { kind: 'workspace', suggestedName: 'a.kstudio', text: '{"v":1}' },
    ]);
    expect(saved).toEqual({ ok: true, value: { path: target, name: 'picked.kstudio' } });
    expect(readFileSync(target, 'utf8')).toBe('{"v":1}');
    // Once picked, plain Save to the same path is allowed.
    const again = await handlers.dispatch(INVOKE_CHANNELS.saveText, [
      { kind: 'workspace', path: target, suggestedName: 'a.kstudio', text: '{"v":2}' },
    ]);
    expect(again.ok).toBe(true);
    expect(readFileSync(target, 'utf8')).toBe('{"v":2}');
  });

  it('opens the picked file, and reports a missing one with a clear message', async () => {
    const file = join(dataDir, 'w.kstudio');
    writeFileSync(file, '{"hello":1}');
    picked.open = file;
    expect(await handlers.dispatch(INVOKE_CHANNELS.openWorkspace, [])).toEqual({
      ok: true,
      value: { path: file, name: 'w.kstudio', text: '{"hello":1}' },
    });
    picked.open = join(dataDir, 'missing.kstudio');
    const missing = await handlers.dispatch(INVOKE_CHANNELS.openWorkspace, []);
    expect(missing).toMatchObject({ ok: false, error: { code: 'io' } });
    if (!missing.ok)
      expect(missing.error.message).toBe('Could not open missing.kstudio: no such file or folder');
  });

  it('answers arbitrary values on every channel with an envelope, never a throw', async () => {
    for (const channel of Object.values(INVOKE_CHANNELS)) {
      await fc.assert(
        fc.asyncProperty(fc.anything(), async (value) => {
          const args = Array.isArray(value) ? value : [value];
          const result = await handlers.dispatch(channel, args);
          if (result.ok) return;
          expect(typeof result.error.code).toBe('string');
          expect(typeof result.error.message).toBe('string');
        }),
        { numRuns: 1000 },
      );
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
