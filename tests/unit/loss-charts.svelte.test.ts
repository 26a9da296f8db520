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
      getRunList: () => call('getRunList'),
      setRunList: (runs) => call('setRunList', runs),
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

  it('the pop-out chart follows what the main window sets, points read from main’s run log', async () => {
    const cleanup = $effect.root(() => undefined);
    const main = new LossCharts(source());
    await main.start([record('run-a', 'run 1')]).ready;
    main.addRun('run-b', 'run 2');
    const batch: LossBatch = { runId: 'run-b', points: [{ step: 1, loss: 7 }] };
    expect((await handlers.dispatch(INVOKE_CHANNELS.appendLoss, [batch])).ok).toBe(true);
    await settle();
    expect(await handlers.dispatch(INVOKE_CHANNELS.getRunList, [])).toEqual({
      ok: true,
      value: listOf(main),
    });

    const popout = new LossCharts(source(), true);
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
    expect(await handlers.dispatch(INVOKE_CHANNELS.getRunList, [])).toEqual({
      ok: true,
      value: [{ runId: 'run-a', label: 'run 1', hidden: true }],
    });
    cleanup();
  });

  it('a removed run stays removed when points it sent before arrive after (Clear runs mid-run)', async () => {
    const cleanup = $effect.root(() => undefined);
    const main = new LossCharts(source());
    await main.start().ready;
    main.addRun('run-c', 'Run 1');
    main.remove('run-c');
    const late: LossBatch = { runId: 'run-c', points: [{ step: 3, loss: 2 }] };
    expect((await handlers.dispatch(INVOKE_CHANNELS.appendLoss, [late])).ok).toBe(true);
    await settle();
    expect(main.runs).toEqual([]);
    // A run another view started still shows up (labelled by its id until that view names it).
    const other: LossBatch = { runId: 'run-d', points: [{ step: 1, loss: 5 }] };
    expect((await handlers.dispatch(INVOKE_CHANNELS.appendLoss, [other])).ok).toBe(true);
    await settle();
    expect(listOf(main)).toEqual([{ runId: 'run-d', label: 'run-d', hidden: false }]);
    cleanup();
  });

  it('a reloaded main window gets the list back from main, and a workspace opened before the answer wins', async () => {
    const first = new LossCharts(source());
    await first.start().ready;
    first.addRun('run-a', 'run 1');
    await settle();

    const reloaded = new LossCharts(source());
    await reloaded.start().ready;
    expect(listOf(reloaded)).toEqual([{ runId: 'run-a', label: 'run 1', hidden: false }]);

    const opened = new LossCharts(source());
    const { ready } = opened.start();
    opened.adopt([record('run-w', 'from the file')]);
    await ready;
    await settle();
    expect(listOf(opened)).toEqual([{ runId: 'run-w', label: 'from the file', hidden: false }]);
    expect(await handlers.dispatch(INVOKE_CHANNELS.getRunList, [])).toEqual({
      ok: true,
      value: listOf(opened),
    });
  });
});
