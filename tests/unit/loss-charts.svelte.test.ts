/**
 * The loss chart's run list has one owner, main: the main window sets it through the
 * real main-process handlers, the pop-out chart follows main's broadcast, and a
 * reloaded window asks main for it (no localStorage copy).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flushSync } from 'svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_TRAINING, type RunRecord } from '#core/workspace/model';
import {
  INVOKE_CHANNELS,
  type InvokeMethod,
  type LossBatch,
  type MainEvents,
  type RunListEntry,
} from '../../ipc/contract';
import { MainHandlers } from '../../main/services/handlers';
import { testAppInfo } from '../helpers/app-info';
import { LossCharts, type LossSource } from '../../renderer/src/state/training-charts.svelte';

type Listener = (payload: unknown) => void;

describe('LossCharts: main owns the run list', () => {
  let dataDir: string;
  let handlers: MainHandlers;
  let listeners: Map<keyof MainEvents, Set<Listener>>;

  /** What a view's preload gives it: calls go to the real handlers, events come from their broadcast. */
  function source(): LossSource {
    const call = async (method: InvokeMethod, ...args: unknown[]): Promise<never> => {
      const result = await handlers.dispatch(INVOKE_CHANNELS[method], args);
      if (!result.ok) throw new Error(result.error.message);
      return result.value as never;
    };
    const on = (event: keyof MainEvents, listener: Listener) => {
      const set = listeners.get(event) ?? new Set();
      set.add(listener);
      listeners.set(event, set);
      return () => void set.delete(listener);
    };
    return {
      readLoss: (runId) => call('readLoss', runId),
      getRunList: (id) => call('getRunList', id),
      setRunList: (id, runs) => call('setRunList', id, runs),
      onLossPoints: (l) => on('lossPoints', l as Listener),
      onRunList: (l) => on('runList', l as Listener),
    };
  }

  const record = (id: string, label: string): RunRecord => ({
    id,
    label,
    settings: DEFAULT_TRAINING,
    points: [{ step: 1, loss: 3 }],
  });
  /** A run's name parts as a window keeps them (a saved name only: the window's namer writes it). */
  const named = (label: string) => ({ label, settings: DEFAULT_TRAINING });
  const listOf = (charts: LossCharts): RunListEntry[] =>
    charts.runs.map(({ runId, label, hidden }) => ({ runId, label, hidden }));
  /** Lets main's answers and broadcasts (promises) arrive. */
  const settle = () => new Promise((r) => setTimeout(r, 20));

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'ks-charts-'));
    listeners = new Map();
    handlers = new MainHandlers({
      appInfo: testAppInfo,
      dataDir,
      dialogs: { pickOpenPath: async () => null, pickSavePath: async () => null },
      broadcast: (event, payload) => {
        for (const l of listeners.get(event) ?? []) l(payload);
      },
    });
  });
  afterEach(async () => {
    await handlers.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const DOC_A = 'doc-a';
  const DOC_B = 'doc-b';
  const listOfMain = async (documentId: string) =>
    handlers.dispatch(INVOKE_CHANNELS.getRunList, [documentId]);

  it('the pop-out chart follows what its document’s window sets, points read from main’s run log', async () => {
    const cleanup = $effect.root(() => undefined);
    const main = new LossCharts(source(), DOC_A);
    await main.start([record('run-a', 'run 1')]).ready;
    main.addRun('run-b', named('run 2'));
    const batch: LossBatch = { runId: 'run-b', points: [{ step: 1, loss: 7 }] };
    expect((await handlers.dispatch(INVOKE_CHANNELS.appendLoss, [batch])).ok).toBe(true);
    await settle();
    expect(await listOfMain(DOC_A)).toEqual({ ok: true, value: listOf(main) });

    const popout = new LossCharts(source(), DOC_A, true);
    await popout.start().ready;
    await settle();
    flushSync();
    expect(listOf(popout)).toEqual([
      { runId: 'run-a', label: 'run 1', hidden: false },
      { runId: 'run-b', label: 'run 2', hidden: false },
    ]);
    await vi.waitFor(() => expect(popout.runs[1].losses).toEqual([7]));

    main.toggle('run-a');
    main.remove('run-b');
    await settle();
    expect(listOf(popout)).toEqual([{ runId: 'run-a', label: 'run 1', hidden: true }]);
    // The pop-out never writes main's list.
    popout.clear();
    await settle();
    expect(await listOfMain(DOC_A)).toEqual({
      ok: true,
      value: [{ runId: 'run-a', label: 'run 1', hidden: true }],
    });
    cleanup();
  });

  it('a removed run stays removed when points it sent before arrive after (Clear runs mid-run)', async () => {
    const cleanup = $effect.root(() => undefined);
    const main = new LossCharts(source(), DOC_A);
    await main.start().ready;
    main.addRun('run-c', named('Run 1'));
    main.remove('run-c');
    const late: LossBatch = { runId: 'run-c', points: [{ step: 3, loss: 2 }] };
    expect((await handlers.dispatch(INVOKE_CHANNELS.appendLoss, [late])).ok).toBe(true);
    await settle();
    expect(main.runs).toEqual([]);
    cleanup();
  });

  it('runs belong to their document: two windows never see each other’s runs, a new window sees none', async () => {
    const cleanup = $effect.root(() => undefined);
    const first = new LossCharts(source(), DOC_A);
    await first.start().ready;
    first.addRun('run-a', named('Run 1'));
    const batch: LossBatch = { runId: 'run-a', points: [{ step: 1, loss: 1e26 }] };
    expect((await handlers.dispatch(INVOKE_CHANNELS.appendLoss, [batch])).ok).toBe(true);
    await settle();
    expect(first.runs[0].losses).toEqual([1e26]);

    // Another tab (or a window opened after the first closed): its own document, no foreign runs,
    // not even when the other tab's points arrive in its broadcast.
    const second = new LossCharts(source(), DOC_B);
    await second.start().ready;
    second.addRun('run-x', named('Run 1'));
    const more: LossBatch = { runId: 'run-a', points: [{ step: 2, loss: 1e27 }] };
    expect((await handlers.dispatch(INVOKE_CHANNELS.appendLoss, [more])).ok).toBe(true);
    await settle();
    expect(listOf(second)).toEqual([{ runId: 'run-x', label: 'Run 1', hidden: false }]);
    expect(second.runs[0].losses).toEqual([]);
    expect(await listOfMain(DOC_B)).toEqual({ ok: true, value: listOf(second) });
    expect(await listOfMain(DOC_A)).toEqual({ ok: true, value: listOf(first) });

    // A pop-out of the second document follows it alone, not the first window's changes.
    const popout = new LossCharts(source(), DOC_B, true);
    await popout.start().ready;
    first.addRun('run-a2', named('Run 2'));
    await settle();
    expect(listOf(popout)).toEqual(listOf(second));

    // Opening a workspace into the first window shows exactly its runs.
    first.adopt([record('run-w', 'from the file')]);
    await settle();
    expect(listOf(first)).toEqual([{ runId: 'run-w', label: 'from the file', hidden: false }]);
    expect(await listOfMain(DOC_A)).toEqual({ ok: true, value: listOf(first) });
    cleanup();
  });

  it('refuses a run list without a safe document id', async () => {
    for (const args of [[[]], ['../x', []], ['', []]]) {
      const refused = await handlers.dispatch(INVOKE_CHANNELS.setRunList, args);
      expect(refused.ok || refused.error.code).toBe('invalid-argument');
    }
  });
});
