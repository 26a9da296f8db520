import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { INVOKE_CHANNELS, type LossBatch, type MainEvents } from '../../ipc/contract';
import { testAppInfo } from '../helpers/app-info';
import type { Dialogs } from '../../main/services/context';
import { MainHandlers } from '../../main/services/handlers';

const appInfo = testAppInfo;

/**
 * Makes a folder unwritable, even for root (tests run as root, where a 0555 mode is
 * ignored): `chattr +i` there, chmod elsewhere. Returns the undo, or null if impossible.
 */
function lockFolder(folder: string): (() => void) | null {
  if (process.getuid?.() !== 0) {
    chmodSync(folder, 0o555);
    return () => chmodSync(folder, 0o755);
  }
  const locked = spawnSync('chattr', ['+i', folder]);
  if (locked.status !== 0) return null;
  return () => void spawnSync('chattr', ['-i', folder]);
}

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
      { runId: '../../outside/victim', points: [] },
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

  it('keeps each document’s run list apart, broadcasts each change, and refuses unsafe ids', async () => {
    expect(await handlers.dispatch(INVOKE_CHANNELS.getRunList, ['doc-1'])).toEqual({ ok: true, value: [] });
    const runs = [
      { runId: 'run-1', label: 'lr 0.03', hidden: true },
      { runId: 'run-2', label: 'run 2', hidden: false },
    ];
    expect(await handlers.dispatch(INVOKE_CHANNELS.setRunList, ['doc-1', runs])).toEqual({
      ok: true,
      value: undefined,
    });
    expect(events).toEqual([['runList', { documentId: 'doc-1', runs }]]);
    expect(await handlers.dispatch(INVOKE_CHANNELS.getRunList, ['doc-1'])).toEqual({ ok: true, value: runs });
    // Another document (a second window or tab) has none of them.
    expect(await handlers.dispatch(INVOKE_CHANNELS.getRunList, ['doc-2'])).toEqual({ ok: true, value: [] });
    for (const bad of [[{ runId: '../etc', label: 'x', hidden: false }], [{ runId: 'ok', label: 3 }], 'x']) {
      const refused = await handlers.dispatch(INVOKE_CHANNELS.setRunList, ['doc-1', bad]);
      expect(refused.ok || refused.error.code).toBe('invalid-argument');
    }
    expect((await handlers.dispatch(INVOKE_CHANNELS.getRunList, [])).ok).toBe(false);
    expect(events).toHaveLength(1);
    expect(await handlers.dispatch(INVOKE_CHANNELS.getRunList, ['doc-1'])).toEqual({ ok: true, value: runs });
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

  it('saves bytes only where the user picked; malformed bytes are refused', async () => {
    const target = join(dataDir, 'k.npy');
    const bytes = new Uint8Array([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 0, 255]);
    const notBytes = await handlers.dispatch(INVOKE_CHANNELS.saveBytes, [
      { kind: 'kernel', suggestedName: 'k.npy', bytes: [1, 2, 3] },
    ]);
    expect(notBytes).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
    if (!notBytes.ok) expect(notBytes.error.message).toMatch(/bytes/);
    const pathAsName = await handlers.dispatch(INVOKE_CHANNELS.saveBytes, [
      { kind: 'kernel', suggestedName: '../k.npy', bytes },
    ]);
    expect(pathAsName).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
    const refused = await handlers.dispatch(INVOKE_CHANNELS.saveBytes, [
      { kind: 'kernel', path: target, suggestedName: 'k.npy', bytes },
    ]);
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(existsSync(target)).toBe(false);
    expect(
      await handlers.dispatch(INVOKE_CHANNELS.saveBytes, [{ kind: 'kernel', suggestedName: 'k.npy', bytes }]),
    ).toEqual({
      ok: true,
      value: null,
    });
    picked.save = target;
    const saved = await handlers.dispatch(INVOKE_CHANNELS.saveBytes, [
      { kind: 'kernel', suggestedName: 'k.npy', bytes },
    ]);
    expect(saved).toEqual({ ok: true, value: { path: target, name: 'k.npy' } });
    expect(new Uint8Array(readFileSync(target))).toEqual(bytes);
  });

  it('opens a kernel file as bytes, refusing one over the size limit', async () => {
    const file = join(dataDir, 'k.csv');
    writeFileSync(file, '1,2\n3,4\n');
    picked.open = file;
    const opened = await handlers.dispatch(INVOKE_CHANNELS.openBytes, ['kernel']);
    expect(opened).toMatchObject({ ok: true, value: { path: file, name: 'k.csv' } });
    if (opened.ok)
      expect(new TextDecoder().decode((opened.value as { bytes: Uint8Array }).bytes)).toBe('1,2\n3,4\n');
    const big = join(dataDir, 'big.npy');
    writeFileSync(big, Buffer.alloc(16 * 1024 * 1024 + 1));
    picked.open = big;
    expect(await handlers.dispatch(INVOKE_CHANNELS.openBytes, ['kernel'])).toMatchObject({
      ok: false,
      error: { code: 'too-large' },
    });
    expect(await handlers.dispatch(INVOKE_CHANNELS.openBytes, ['passwords'])).toMatchObject({
      ok: false,
      error: { code: 'invalid-argument' },
    });
  });

  it('opens a workspace by path only when main offered it or it is recent', async () => {
    const file = join(dataDir, 'w.kstudio');
    writeFileSync(file, '{}');
    const refused = await handlers.dispatch(INVOKE_CHANNELS.openWorkspace, [{ path: file }]);
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    handlers.offerOpen(file);
    expect(events).toEqual([['openRequest', file]]);
    expect(await handlers.dispatch(INVOKE_CHANNELS.openWorkspace, [{ path: file }])).toMatchObject({
      ok: true,
      value: { path: file, text: '{}' },
    });
    expect(await handlers.dispatch(INVOKE_CHANNELS.openWorkspace, [{ path: file, extra: 1 }])).toMatchObject({
      ok: false,
      error: { code: 'invalid-argument' },
    });
  });

  it('keeps a recent list in the data folder, newest first, across launches', async () => {
    const a = join(dataDir, 'a.kstudio');
    const b = join(dataDir, 'b.kstudio');
    writeFileSync(a, '{}');
    picked.open = a;
    await handlers.dispatch(INVOKE_CHANNELS.openWorkspace, []);
    await handlers.dispatch(INVOKE_CHANNELS.confirmOpened, [a]);
    picked.save = b;
    await handlers.dispatch(INVOKE_CHANNELS.saveText, [
      { kind: 'workspace', suggestedName: 'b.kstudio', text: '{}' },
    ]);
    const recent = await handlers.dispatch(INVOKE_CHANNELS.getRecent, []);
    expect(recent.ok && (recent.value as { path: string }[]).map((f) => f.path)).toEqual([b, a]);
    const next = new MainHandlers({
      appInfo,
      dataDir,
      dialogs: { pickOpenPath: async () => null, pickSavePath: async () => null },
      broadcast: () => undefined,
    });
    // A recent file opens without a dialog in the next session too.
    expect(await next.dispatch(INVOKE_CHANNELS.openWorkspace, [{ path: a }])).toMatchObject({ ok: true });
    await next.close();
    writeFileSync(join(dataDir, 'recent.json'), '{"version":1,"files":[{"__proto__":1}]}');
    const damaged = new MainHandlers({
      appInfo,
      dataDir,
      dialogs: { pickOpenPath: async () => null, pickSavePath: async () => null },
      broadcast: () => undefined,
    });
    expect(await damaged.dispatch(INVOKE_CHANNELS.getRecent, [])).toEqual({ ok: true, value: [] });
    await damaged.close();
  });

  it('keeps one autosave backup per session: a later session is offered the newest other one, none is overwritten', async () => {
    const read = (session: string) => handlers.dispatch(INVOKE_CHANNELS.readBackup, [session]);
    expect(await read('b')).toEqual({ ok: true, value: null });
    expect(await handlers.dispatch(INVOKE_CHANNELS.writeBackup, ['{"draft":1}', 'a'])).toEqual({
      ok: true,
      value: undefined,
    });
    expect(readFileSync(join(dataDir, 'autosave', 'a.kstudio'), 'utf8')).toBe('{"draft":1}');
    // A session never sees its own backup; another one does.
    expect(await read('a')).toEqual({ ok: true, value: null });
    expect(await read('b')).toMatchObject({ ok: true, value: { id: 'a', text: '{"draft":1}', more: 0 } });
    // Session b writes newer work: a's backup stays, b's is offered first to a third session.
    await new Promise((r) => setTimeout(r, 20));
    await handlers.dispatch(INVOKE_CHANNELS.writeBackup, ['{"draft":2}', 'b']);
    expect(await read('c')).toMatchObject({ ok: true, value: { id: 'b', text: '{"draft":2}', more: 1 } });
    expect(
      await handlers.dispatch(INVOKE_CHANNELS.writeBackup, [
        { path: join(dataDir, '..', 'victim.kstudio') },
        'a',
      ]),
    ).toMatchObject({
      ok: false,
      error: { code: 'invalid-argument' },
    });
    expect(await handlers.dispatch(INVOKE_CHANNELS.clearBackup, ['../x'])).toMatchObject({
      ok: false,
      error: { code: 'invalid-argument' },
    });
    // Saving a workspace leaves every backup alone (the renderer drops its own after a save).
    picked.save = join(dataDir, 'saved.kstudio');
    await handlers.dispatch(INVOKE_CHANNELS.saveText, [
      { kind: 'workspace', suggestedName: 's.kstudio', text: '{}' },
    ]);
    expect(existsSync(join(dataDir, 'autosave', 'a.kstudio'))).toBe(true);
    expect(await handlers.dispatch(INVOKE_CHANNELS.clearBackup, ['b'])).toEqual({
      ok: true,
      value: undefined,
    });
    expect(await handlers.dispatch(INVOKE_CHANNELS.clearBackup, ['b'])).toEqual({
      ok: true,
      value: undefined,
    });
    expect(await read('c')).toMatchObject({ ok: true, value: { id: 'a', more: 0 } });
  });

  it('records the dirty state; rejects a malformed one', async () => {
    expect(await handlers.dispatch(INVOKE_CHANNELS.setDirty, [{ dirty: true, name: 'a.kstudio' }])).toEqual({
      ok: true,
      value: undefined,
    });
    expect(handlers.dirty).toEqual({ dirty: true, name: 'a.kstudio' });
    expect(await handlers.dispatch(INVOKE_CHANNELS.setDirty, [{ dirty: 'yes' }])).toMatchObject({
      ok: false,
      error: { code: 'invalid-argument' },
    });
  });
  it('grants an opened file for Save, and lists it in Recent, only after the renderer parsed it', async () => {
    // Any file can be picked in the Open dialog; one that is not a workspace must leave no trace.
    const notAWorkspace = join(dataDir, 'passwd');
    writeFileSync(notAWorkspace, 'root:x:0:0:root:/root:/bin/bash\n');
    picked.open = notAWorkspace;
    expect(await handlers.dispatch(INVOKE_CHANNELS.openWorkspace, [])).toMatchObject({ ok: true });
    expect(await handlers.dispatch(INVOKE_CHANNELS.getRecent, [])).toEqual({ ok: true, value: [] });
    expect(existsSync(join(dataDir, 'recent.json'))).toBe(false);
    const save = [{ kind: 'workspace', path: notAWorkspace, suggestedName: 'passwd', text: '{}' }];
    expect(await handlers.dispatch(INVOKE_CHANNELS.saveText, save)).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(readFileSync(notAWorkspace, 'utf8')).toMatch(/^root:/);
    // A real workspace, confirmed: now Save may write back and Recent lists it.
    const good = join(dataDir, 'good.kstudio');
    writeFileSync(good, '{}');
    picked.open = good;
    await handlers.dispatch(INVOKE_CHANNELS.openWorkspace, []);
    expect(await handlers.dispatch(INVOKE_CHANNELS.confirmOpened, [good])).toEqual({
      ok: true,
      value: undefined,
    });
    const recent = await handlers.dispatch(INVOKE_CHANNELS.getRecent, []);
    expect(recent.ok && (recent.value as { path: string }[]).map((f) => f.path)).toEqual([good]);
    expect(
      await handlers.dispatch(INVOKE_CHANNELS.saveText, [
        { ...save[0], path: good, suggestedName: 'good.kstudio' },
      ]),
    ).toMatchObject({ ok: true });
    // Confirming a path that was not just opened grants nothing.
    expect(await handlers.dispatch(INVOKE_CHANNELS.confirmOpened, [notAWorkspace])).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(await handlers.dispatch(INVOKE_CHANNELS.confirmOpened, [good])).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
  });

  it('reports a failed autosave as a specific io error, never "internal" with a raw errno', async () => {
    writeFileSync(join(dataDir, 'autosave'), 'a file where the autosave folder goes');
    const result = await handlers.dispatch(INVOKE_CHANNELS.writeBackup, ['{}', 'a']);
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'io',
        message: `Could not write the autosave in ${join(dataDir, 'autosave')}: a file of that name is in the way.`,
      },
    });
  });

  it('reports permission errors on the autosave and on a save into a locked folder plainly', async (ctx) => {
    const folder = join(dataDir, 'locked');
    mkdirSync(folder);
    const target = join(folder, 'w.kstudio');
    writeFileSync(target, '{"old":1}');
    picked.save = target;
    const unlock = lockFolder(folder);
    if (!unlock) return ctx.skip('cannot make a folder read-only here (root without chattr)');
    try {
      const saved = await handlers.dispatch(INVOKE_CHANNELS.saveText, [
        { kind: 'workspace', suggestedName: 'w.kstudio', text: '{"new":1}' },
      ]);
      expect(saved).toEqual({
        ok: false,
        error: {
          code: 'io',
          message: `Could not save w.kstudio: the folder ${folder} is not writable, and a safe save replaces the file through its folder.`,
        },
      });
      expect(readFileSync(target, 'utf8')).toBe('{"old":1}');
    } finally {
      unlock();
    }
    const locked = lockFolder(dataDir)!;
    try {
      expect(await handlers.dispatch(INVOKE_CHANNELS.writeBackup, ['{}', 'a'])).toEqual({
        ok: false,
        error: {
          code: 'io',
          message: `Could not write the autosave in ${join(dataDir, 'autosave')}: permission denied.`,
        },
      });
    } finally {
      locked();
    }
  });
  // Fuzzing every channel (≥1,000 calls each) lives in security-ipc-fuzz.test.ts.
});
