/**
 * WorkspaceSession against the real main-process handlers and real files: Save, Open,
 * dirty tracking, and the recovery banner (autosave never stops while a backup is
 * unanswered; Save As and Open resolve the banner explicitly). Each "launch" is a new
 * MainHandlers on the same data folder and a new session, as after a restart.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flushSync } from 'svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  parseWorkspace,
  serializeWorkspace,
  defaultDocument,
  WORKSPACE_EXTENSION,
} from '#core/workspace/index';
import { INVOKE_CHANNELS } from '../../ipc/contract';
import type { Dialogs } from '../../main/services/context';
import { MainHandlers } from '../../main/services/handlers';
import { StudioDocument } from '../../renderer/src/state/studio.svelte';
import type { LossCharts } from '../../renderer/src/state/training-charts.svelte';
import type { TrainingSession } from '../../renderer/src/state/training.svelte';
import { documentTraining } from '../helpers/training-session';
import { ExploreSession } from '../../renderer/src/lib/explore/explore.svelte';
import {
  closedDocumentsIn,
  WorkspaceSession,
  type CallMain,
  type WorkspaceUi,
} from '../../renderer/src/state/workspace.svelte';
import { testAppInfo } from '../helpers/app-info';

let dataDir: string;
let home: string;
let handlers: MainHandlers;
/** What the next Open / Save dialog answers. */
const picked: { open: string | null; save: string | null } = { open: null, save: null };
/** What the user answers to the next confirm, and what each confirm asked. */
let answers: boolean[];
let asked: string[];
const sessions: WorkspaceSession[] = [];

/** Main as the preload reaches it: each call goes through the real handlers' dispatch, envelope unwrapped. */
const call: CallMain = async (method, ...args) => {
  const result = await handlers.dispatch(INVOKE_CHANNELS[method], args);
  if (!result.ok) throw new Error(result.error.message);
  return result.value as never;
};
let title = '';

function launch(): void {
  const dialogs: Dialogs = {
    pickOpenPath: async () => picked.open,
    pickSavePath: async () => picked.save,
  };
  handlers = new MainHandlers({ appInfo: testAppInfo, dataDir, dialogs, broadcast: () => undefined });
}

const ui: WorkspaceUi = {
  call,
  setTitle: (text) => (title = text),
  confirm(message) {
    asked.push(message);
    const answer = answers.shift();
    if (answer === undefined) throw new Error(`unexpected confirm: ${message}`);
    return answer;
  },
  t: (key, params) => (params ? `${key} ${JSON.stringify(params)}` : key),
};

function newSession(): { doc: StudioDocument; session: WorkspaceSession } {
  const doc = new StudioDocument();
  const session = new WorkspaceSession(doc, ui);
  sessions.push(session);
  flushSync();
  return { doc, session };
}

/** Types `value` into X's first cell, as the grid does (one assignment). */
function typeX(doc: StudioDocument, value: number): void {
  const data = Float32Array.from(doc.x.data);
  data[0] = value;
  doc.x = { ...doc.x, data };
  flushSync();
}

const firstX = (text: string): number => parseWorkspace(text, 'test').channels[0].data[0];
const backupFile = (session: WorkspaceSession) =>
  join(dataDir, 'autosave', `${session.sessionId}.${WORKSPACE_EXTENSION}`);

/** Waits until this session's autosave holds X[0] = value (autosave runs once edits pause). */
async function autosaved(session: WorkspaceSession, value: number): Promise<void> {
  await vi.waitFor(
    () => {
      const file = backupFile(session);
      expect(existsSync(file) && firstX(readFileSync(file, 'utf8'))).toBe(value);
    },
    { timeout: 6000, interval: 50 },
  );
}

/** Closing the window: the session goes, its autosave stays on disk. */
async function close(session: WorkspaceSession): Promise<void> {
  session.destroy();
  await handlers.close();
}

/**
 * A launch that types `value` in X, autosaves it and closes without saving; then the next
 * launch, whose session has been offered that backup. Returns both sessions.
 */
async function relaunchAfterUnsaved(value: number): Promise<{
  left: WorkspaceSession;
  doc: StudioDocument;
  session: WorkspaceSession;
}> {
  const earlier = newSession();
  typeX(earlier.doc, value);
  await autosaved(earlier.session, value);
  await close(earlier.session);
  launch();
  const { doc, session } = newSession();
  await session.checkBackup();
  expect(session.backup && firstX(session.backup.text)).toBe(value);
  return { left: earlier.session, doc, session };
}

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'ks-session-data-'));
  home = mkdtempSync(join(tmpdir(), 'ks-session-home-'));
  picked.open = picked.save = null;
  answers = [];
  asked = [];
  title = '';
  launch();
});

afterEach(async () => {
  for (const s of sessions.splice(0)) s.destroy();
  await handlers.close();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(home, { recursive: true, force: true });
});

describe('WorkspaceSession: save, open and dirty', () => {
  it('an edit makes it dirty at once; editing back to the saved values makes it clean again at once', () => {
    const { doc, session } = newSession();
    expect(session.dirty).toBe(false);
    expect(title).toBe('Kernel Studio');
    const before = doc.x;
    typeX(doc, 11);
    expect(session.dirty).toBe(true);
    expect(title).toBe('• file.untitled — Kernel Studio');
    // The same values as new objects (typed back by hand), then the very objects (undo): clean, no wait.
    typeX(doc, before.data[0]);
    expect(session.dirty).toBe(false);
    expect(title).toBe('Kernel Studio');
    typeX(doc, 12);
    doc.x = before;
    flushSync();
    expect(session.dirty).toBe(false);
  });

  it('undo and redo through the edit history: dirty follows the saved state, before and after a Save', async () => {
    const { doc, session } = newSession();
    const edits = new ExploreSession(doc);
    const paint = (value: number) => {
      const data = Float32Array.from(doc.x.data);
      data[1] = value;
      edits.edit({ x: { ...doc.x, data } });
      flushSync();
    };
    paint(5);
    paint(6);
    expect(session.dirty).toBe(true);
    edits.undo();
    edits.undo();
    flushSync();
    expect(session.dirty).toBe(false);
    edits.redo();
    flushSync();
    expect(session.dirty).toBe(true);

    picked.save = join(home, `undo.${WORKSPACE_EXTENSION}`);
    expect(await session.save()).toBe(true);
    expect(session.dirty).toBe(false);
    paint(7);
    edits.edit({ activation: 'relu' });
    flushSync();
    expect(session.dirty).toBe(true);
    edits.undo();
    flushSync();
    expect(session.dirty).toBe(true);
    edits.undo();
    flushSync();
    // Back to what was saved (X[1] = 5): clean; one more undo goes past it.
    expect([doc.x.data[1], session.dirty]).toEqual([5, false]);
    edits.undo();
    flushSync();
    expect(session.dirty).toBe(true);
  });

  it('an edit made while a Save is on its way leaves the document dirty', async () => {
    const doc = new StudioDocument();
    // The user types 4 while main writes the file (the real handler, the edit at its call).
    const during: CallMain = (method, ...args) => {
      if (method === 'saveText') typeX(doc, 4);
      return call(method, ...args);
    };
    const session = new WorkspaceSession(doc, { ...ui, call: during });
    sessions.push(session);
    typeX(doc, 3);
    picked.save = join(home, `during.${WORKSPACE_EXTENSION}`);
    expect(await session.save()).toBe(true);
    expect(firstX(readFileSync(picked.save, 'utf8'))).toBe(3);
    expect([doc.x.data[0], session.dirty]).toEqual([4, true]);
  });

  it('Save writes the workspace where the user picked, Save again writes there without asking', async () => {
    const { doc, session } = newSession();
    typeX(doc, 11);
    const path = join(home, `mine.${WORKSPACE_EXTENSION}`);
    picked.save = path;
    expect(await session.save()).toBe(true);
    expect(firstX(readFileSync(path, 'utf8'))).toBe(11);
    expect([session.path, session.name, session.dirty]).toEqual([path, `mine.${WORKSPACE_EXTENSION}`, false]);
    expect(session.notice).toBe(`file.saved {"name":"mine.${WORKSPACE_EXTENSION}"}`);

    picked.save = null; // a dialog now would cancel the save
    typeX(doc, 12);
    expect(await session.save()).toBe(true);
    expect(firstX(readFileSync(path, 'utf8'))).toBe(12);
    expect(session.recent.map((r) => r.path)).toContain(path);
  });

  it('Open loads the file; a broken file changes nothing and says why in one line', async () => {
    const good = join(home, `good.${WORKSPACE_EXTENSION}`);
    const model = defaultDocument();
    const data = Float32Array.from(model.channels[0].data);
    data[0] = 7;
    writeFileSync(good, serializeWorkspace({ ...model, channels: [{ ...model.channels[0], data }] }, 'test'));
    const bad = join(home, `bad.${WORKSPACE_EXTENSION}`);
    writeFileSync(bad, '{"format": "kernel-studio"');

    const { doc, session } = newSession();
    picked.open = good;
    expect(await session.open()).toBe(true);
    expect(doc.x.data[0]).toBe(7);
    expect([session.path, session.dirty]).toEqual([good, false]);
    await vi.waitFor(() => expect(session.recent.map((r) => r.path)).toContain(good));

    picked.open = bad;
    expect(await session.open()).toBe(false);
    expect(session.error).toMatch(/bad\.kstudio/);
    expect(session.error).not.toMatch(/\n|at .*\(/);
    expect(doc.x.data[0]).toBe(7);
    expect(session.path).toBe(good);
  });

  it('opening over unsaved changes asks first; "no" keeps the work', async () => {
    const { doc, session } = newSession();
    typeX(doc, 11);
    picked.open = join(home, 'never-read.kstudio');
    answers = [false];
    expect(await session.open()).toBe(false);
    expect(asked).toEqual(['file.confirmDiscard {"name":"file.untitled"}']);
    expect(doc.x.data[0]).toBe(11);
  });
});

describe('WorkspaceSession: backups belong to their document', () => {
  it('a document clean again (edited back to its saved state) keeps no backup', async () => {
    const { doc, session } = newSession();
    const before = doc.x;
    typeX(doc, 7);
    await autosaved(session, 7);
    doc.x = before;
    flushSync();
    await vi.waitFor(() => expect(existsSync(backupFile(session))).toBe(false), { timeout: 6000 });
  });

  it('a window closed on purpose leaves its id; the next window deletes that backup, a crashed one’s stays offered', async () => {
    const kept = new Map<string, string>();
    const storage = {
      getItem: (k: string) => kept.get(k) ?? null,
      setItem: (k: string, v: string) => void kept.set(k, v),
      removeItem: (k: string) => void kept.delete(k),
    } as Storage;
    const closedDocuments = closedDocumentsIn(storage);
    const withStore = (doc: StudioDocument) => new WorkspaceSession(doc, { ...ui, closedDocuments });

    const crashedDoc = new StudioDocument();
    const crashed = withStore(crashedDoc);
    sessions.push(crashed);
    typeX(crashedDoc, 5);
    await autosaved(crashed, 5);
    const closedDoc = new StudioDocument();
    const closed = withStore(closedDoc);
    sessions.push(closed);
    typeX(closedDoc, 6);
    await autosaved(closed, 6);
    closed.closed();

    const next = withStore(new StudioDocument());
    sessions.push(next);
    await next.checkBackup();
    expect(existsSync(backupFile(closed))).toBe(false);
    expect(next.backup && firstX(next.backup.text)).toBe(5);
    expect(next.backup?.more).toBe(0);
  });
});

describe('WorkspaceSession: recovery', () => {
  it('autosave never stops while the banner is unanswered: both the older backup and the newer work survive', async () => {
    // Launch 1: type 11, close without saving. Launch 2: the banner offers the 11; ignore it, type 22, close.
    const { left: first, ...second } = await relaunchAfterUnsaved(11);
    typeX(second.doc, 22);
    await autosaved(second.session, 22);
    expect(firstX(readFileSync(backupFile(first), 'utf8'))).toBe(11);
    await close(second.session);

    // Launch 3: the newest (22) is offered, with the older one behind it.
    launch();
    const third = newSession();
    await third.session.checkBackup();
    expect(third.session.backup && firstX(third.session.backup.text)).toBe(22);
    expect(third.session.backup?.more).toBe(1);
    await third.session.restoreBackup();
    expect(third.doc.x.data[0]).toBe(22);
    // Restored work is unsaved work, in this session's own backup; the 11 is offered next.
    expect([third.session.path, third.session.dirty]).toEqual([null, true]);
    expect(firstX(readFileSync(backupFile(third.session), 'utf8'))).toBe(22);
    expect(existsSync(backupFile(second.session))).toBe(false);
    expect(third.session.backup && firstX(third.session.backup.text)).toBe(11);
  });

  it('Save As asks about the offered backup: "no" saves nothing and keeps it, "yes" discards it and saves', async () => {
    const { left, doc, session } = await relaunchAfterUnsaved(11);
    typeX(doc, 33);
    const path = join(home, `saved.${WORKSPACE_EXTENSION}`);
    picked.save = path;

    answers = [false];
    expect(await session.save(true)).toBe(false);
    expect(asked[0]).toMatch(/^file\.confirmDropBackup /);
    expect(existsSync(path)).toBe(false);
    expect(session.backup).not.toBeNull();
    expect(existsSync(backupFile(left))).toBe(true);

    answers = [true];
    expect(await session.save(true)).toBe(true);
    expect(firstX(readFileSync(path, 'utf8'))).toBe(33);
    expect(session.backup).toBeNull();
    expect(existsSync(backupFile(left))).toBe(false);
  });

  it('Open asks about the offered backup too, and a "no" leaves it offered', async () => {
    const { left, session } = await relaunchAfterUnsaved(11);
    picked.open = join(home, 'never-read.kstudio');
    answers = [false];
    expect(await session.open()).toBe(false);
    expect(asked).toHaveLength(1);
    expect(asked[0]).toMatch(/^file\.confirmDropBackup /);
    expect(session.backup && firstX(session.backup.text)).toBe(11);
    expect(readdirSync(join(dataDir, 'autosave'))).toContain(`${left.sessionId}.${WORKSPACE_EXTENSION}`);
  });

  it('a failed autosave is shown (data folder unwritable: a file where autosave/ goes), and cleared once it works again', async () => {
    writeFileSync(join(dataDir, 'autosave'), 'a file where the autosave folder goes');
    const { doc, session } = newSession();
    typeX(doc, 7);
    await vi.waitFor(() => expect(session.error).toMatch(/^file\.autosaveFailed .*autosave/), {
      timeout: 6000,
      interval: 50,
    });
    rmSync(join(dataDir, 'autosave'));
    typeX(doc, 8);
    await autosaved(session, 8);
    await vi.waitFor(() => expect(session.error).toBeNull(), { timeout: 2000, interval: 50 });
  });
});

describe('WorkspaceSession: Save during a run', () => {
  /** The document's training session as the Train view makes it: the CPU backend, main's real run lists and logs. */
  function trainingOn(doc: StudioDocument): { training: TrainingSession; charts: LossCharts } {
    const { session: training, charts } = documentTraining(doc, call);
    return { training, charts };
  }

  it('holds exactly the runs the chart shows, the running one with its points so far', async () => {
    const { doc, session } = newSession();
    const { training, charts } = trainingOn(doc);
    // Run 1 goes to Done (recorded); Run 2, on a new setting, is left running.
    training.speed = 'max';
    await training.run();
    await vi.waitFor(() => expect(training.status).toBe('done'), { timeout: 6000, interval: 20 });
    doc.training = { ...doc.training, lr: 0.02, steps: 1_000_000 };
    flushSync();
    training.speed = 'normal';
    await training.run();
    await vi.waitFor(() => expect(training.step).toBeGreaterThanOrEqual(3), { timeout: 6000, interval: 20 });
    expect(charts.runs).toHaveLength(2);

    const stepAtSave = training.step;
    picked.save = join(home, `running.${WORKSPACE_EXTENSION}`);
    expect(await session.save()).toBe(true);
    expect(training.status).toBe('running'); // Save does not stop the run
    const saved = parseWorkspace(readFileSync(picked.save, 'utf8'), 'running');
    expect(saved.runs.map((r) => r.id)).toEqual(charts.runs.map((r) => r.runId));
    const live = saved.runs.find((r) => r.id === training.runId);
    expect(live?.settings.lr).toBe(0.02);
    const steps = live?.points.map((p) => p.step) ?? [];
    expect(steps.length).toBeGreaterThanOrEqual(stepAtSave);
    expect(steps).toEqual(steps.map((_, i) => i + 1));
    // The losses are the run's own (its log, every logEvery steps).
    for (const p of training.log.filter((q) => q.step <= steps.length))
      expect(live?.points[p.step - 1]).toEqual(p);
    training.reset(false);
  });
});
