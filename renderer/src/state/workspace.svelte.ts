import type { BackupInfo, InvokeArgs, InvokeMethod, InvokeValue, RecentFile } from '../../../ipc/contract';
import { userMessage } from '#core/errors';
import {
  DOCUMENT_FIELDS,
  defaultDocument,
  MAX_WORKSPACE_BYTES,
  sameWorkspaceFile,
  WORKSPACE_EXTENSION,
  type WorkspaceDocument,
} from '#core/workspace/index';
import { untrack } from 'svelte';
import { localTime } from './local-time';
import { OpeningFile } from './opening.svelte';
import type { StudioDocument } from './studio.svelte';
import { trainingOf } from './training.svelte';
import { OFF_THREAD_CHARS, readWorkspaceText, writeWorkspaceText } from './workspace-text';

const SAVED_BY = 'Kernel Studio';
/** Autosave once edits pause this long: serializing a 256² workspace costs ~20 ms, never paid per edit (large ones are written in a worker). */
const AUTOSAVE_MS = 1500;

/**
 * The model a workspace file saves, read from the live document. It reads every saved
 * field, so an effect that calls it re-runs on any document edit (all are `$state.raw`).
 */
export function snapshotDocument(doc: StudioDocument): WorkspaceDocument {
  return Object.fromEntries(DOCUMENT_FIELDS.map((f) => [f, doc[f]])) as unknown as WorkspaceDocument;
}

/** Replaces every saved field of the live document (one assignment each). */
export function applyDocument(doc: StudioDocument, model: WorkspaceDocument): void {
  const target = doc as unknown as Record<string, unknown>;
  for (const f of DOCUMENT_FIELDS) target[f] = f === 'runs' ? [...model.runs] : model[f];
  doc.loads++;
}

async function serialize(doc: WorkspaceDocument): Promise<string> {
  try {
    return await writeWorkspaceText(doc, SAVED_BY);
  } catch {
    // A non-finite value cannot be saved: count it as a change (Save then reports why).
    return '';
  }
}

/** Calls main and unwraps the envelope: `call` in renderer/src/api/client.ts (tests: the real handlers). */
export type CallMain = <M extends InvokeMethod>(method: M, ...args: InvokeArgs<M>) => Promise<InvokeValue<M>>;

/** Documents whose windows were closed on purpose: their backups are no longer wanted. */
export interface ClosedDocuments {
  add(documentId: string): void;
  /** The ids added so far, and forgets them. */
  take(): string[];
}

/**
 * ClosedDocuments in the origin's localStorage (every window of the app shares it). `reloaded` is
 * the document this same tab showed before a reload (its sessionStorage): its backup stays offered.
 */
export function closedDocumentsIn(
  storage: Storage,
  reloaded: () => string | null = () => null,
  key = 'kernel-studio.closed-documents',
): ClosedDocuments {
  const read = (): string[] => {
    try {
      const ids: unknown = JSON.parse(storage.getItem(key) ?? '[]');
      return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string') : [];
    } catch {
      return [];
    }
  };
  return {
    add: (id) => storage.setItem(key, JSON.stringify([...read(), id].slice(-100))),
    take: () => {
      const ids = read();
      storage.removeItem(key);
      const same = reloaded();
      return ids.filter((id) => id !== same);
    },
  };
}

/** What the session needs from the window around it. */
export interface WorkspaceUi {
  /** Main's API (Save, Open, backups, Recent, the dirty flag). */
  call: CallMain;
  /** Shows the window title. */
  setTitle(title: string): void;
  /** A time as the UI's language writes it (the backup question); the browser's default otherwise. */
  time?(iso: string): string;
  /** Asks the user to confirm discarding unsaved changes. */
  confirm(message: string): boolean;
  /**
   * Where a window that was closed on purpose leaves its document's id (localStorage), so that the
   * next window deletes that backup: a crash leaves none, and its backup is offered. Optional (tests).
   */
  closedDocuments?: ClosedDocuments;
  /** Translated text for the few strings the session shows. */
  t(
    key:
      | 'file.untitled'
      | 'file.confirmDiscard'
      | 'file.confirmDropBackup'
      | 'file.saved'
      | 'file.opened'
      | 'file.backupName'
      | 'file.autosaveFailed',
    params?: Record<string, string>,
  ): string;
}

/**
 * The open workspace around the studio document: its file, whether it has
 * unsaved changes, Save / Open / New, the window title, and the crash backup.
 * `dirty` asks whether the document would save as a different file than the one
 * last saved or opened (core's `sameWorkspaceFile`, field by field, without
 * serializing), so undoing back to the saved state makes it clean again at once.
 */
export class WorkspaceSession {
  path = $state<string | null>(null);
  name = $state<string | null>(null);
  /** The document as last saved or opened (its fields are never mutated: edits replace them). */
  private saved = $state.raw<WorkspaceDocument>(defaultDocument());
  /** The last failure, one line naming the file and the problem; null when none. */
  error = $state<string | null>(null);
  /** A short success note for the status bar. */
  notice = $state('');
  /** A backup left by an earlier session, waiting for Restore or Discard. */
  backup = $state.raw<BackupInfo | null>(null);
  /** This document's own backup file (main keeps one per document, so newer work never overwrites an older backup). */
  readonly sessionId: string;
  recent = $state.raw<RecentFile[]>([]);
  /** A large workspace being opened (parsed in a worker), with Cancel. */
  readonly opening = new OpeningFile();

  readonly dirty = $derived.by(() => !sameWorkspaceFile(this.saved, snapshotDocument(this.doc)));
  readonly displayName = $derived.by(() => this.name ?? this.ui.t('file.untitled'));
  readonly title = $derived.by(() =>
    this.dirty
      ? `• ${this.displayName} — Kernel Studio`
      : this.name
        ? `${this.name} — Kernel Studio`
        : 'Kernel Studio',
  );

  readonly doc: StudioDocument;
  private readonly ui: WorkspaceUi;
  private readonly stop: () => void;

  constructor(doc: StudioDocument, ui: WorkspaceUi) {
    this.doc = doc;
    this.sessionId = doc.id;
    this.ui = ui;
    this.saved = snapshotDocument(doc);
    this.stop = $effect.root(() => {
      $effect(() => {
        this.ui.setTitle(this.title);
      });
      $effect(() => {
        void this.ui.call('setDirty', { dirty: this.dirty, name: this.displayName }).catch(() => undefined);
      });
      // Autosave unsaved work, always: into this document's own backup, beside any older one still
      // unanswered, once edits pause (any edit re-runs this effect and restarts the wait). A
      // document clean again (saved, undone back to its saved state) keeps no backup.
      $effect(() => {
        snapshotDocument(this.doc); // tracks every saved field
        if (!this.dirty) {
          if (untrack(() => this.backedUp)) this.dropOwnBackup();
          return;
        }
        const timer = setTimeout(() => {
          const saving = snapshotDocument(this.doc);
          // Set before the write is queued: a document clean again meanwhile queues the delete after it.
          this.backedUp = true;
          const write = async (): Promise<void> => {
            const text = await serialize(saving);
            if (text === '') return; // a non-finite value: no file can hold it (Save says why)
            await this.ui.call('writeBackup', text, this.sessionId);
          };
          void this.backupCall(write).then(
            () => this.autosaveDone(null),
            (error: unknown) => this.autosaveDone(error),
          );
        }, AUTOSAVE_MS);
        return () => clearTimeout(timer);
      });
    });
  }

  /** Backup writes and deletes reach main one at a time, in order: an autosave sent during a Save never lands after the Save's delete. */
  private backupQueue: Promise<unknown> = Promise.resolve();
  private backupCall<T>(op: () => Promise<T>): Promise<T> {
    const next = this.backupQueue.then(op, op);
    this.backupQueue = next.catch(() => undefined);
    return next;
  }

  /** The autosave's last failure as shown (cleared by the next autosave that succeeds), as run-log failures are. */
  private autosaveError: string | null = null;
  private autosaveDone(error: unknown): void {
    if (error === null) {
      if (this.autosaveError !== null && this.error === this.autosaveError) this.error = null;
      this.autosaveError = null;
      return;
    }
    const shown = this.ui.t('file.autosaveFailed', { reason: userMessage(error) });
    // Said once per failure streak; a dismissed banner stays dismissed until the autosave works again.
    if (this.autosaveError === null) this.error = shown;
    this.autosaveError = shown;
  }

  destroy(): void {
    this.stop();
  }

  /**
   * The window is closing on purpose (the user agreed to lose unsaved changes, or there were
   * none): its document's backup is not wanted. The next window deletes it (a request sent while
   * the page unloads may not arrive); a crash never gets here, so its backup stays offered.
   */
  closed(): void {
    this.ui.closedDocuments?.add(this.sessionId);
  }

  /** On launch (and after each answer): the newest unsaved work another session left behind. */
  async checkBackup(): Promise<void> {
    for (const id of this.ui.closedDocuments?.take() ?? [])
      await this.backupCall(() => this.ui.call('clearBackup', id)).catch(() => undefined);
    try {
      this.backup = await this.ui.call('readBackup', this.sessionId);
    } catch {
      this.backup = null;
    }
  }

  /**
   * Loads the offered backup as unsaved work. It becomes this session's backup
   * before the old file goes, so no moment exists where it is on disk nowhere;
   * an older backup behind it is offered next.
   */
  async restoreBackup(): Promise<void> {
    const backup = this.backup;
    if (!backup || !this.confirmDiscard()) return;
    try {
      const model = await this.parse(backup.text, 'The autosaved backup', this.ui.t('file.backupName'));
      if (!model) return;
      applyDocument(this.doc, model);
      // Restored work is unsaved work: untitled and dirty until the user saves it.
      this.path = null;
      this.name = null;
      this.saved = defaultDocument();
      this.backedUp = true;
      await this.backupCall(() => this.ui.call('writeBackup', backup.text, this.sessionId));
      await this.backupCall(() => this.ui.call('clearBackup', backup.id));
      await this.checkBackup();
    } catch (error) {
      this.fail(error);
    }
  }

  /** The user's explicit "no" to the offered backup; an older one behind it is offered next. */
  async discardBackup(): Promise<void> {
    const backup = this.backup;
    if (!backup) return;
    this.backup = null;
    await this.backupCall(() => this.ui.call('clearBackup', backup.id)).catch((error: unknown) =>
      this.fail(error),
    );
    await this.checkBackup();
  }

  /**
   * Save, Open and New answer an unanswered backup first: the user discards it
   * (and goes on) or cancels (and can still restore it). Never silent.
   */
  private async settleBackup(): Promise<boolean> {
    const backup = this.backup;
    if (!backup) return true;
    const time = this.ui.time?.(backup.savedAt) ?? localTime(backup.savedAt);
    if (!this.ui.confirm(this.ui.t('file.confirmDropBackup', { time }))) return false;
    await this.discardBackup();
    return true;
  }

  /** True when there is nothing to lose, or the user agreed to lose it. */
  confirmDiscard(): boolean {
    return !this.dirty || this.ui.confirm(this.ui.t('file.confirmDiscard', { name: this.displayName }));
  }

  /** This document has a backup on disk (written since it was last clean). */
  private backedUp = false;

  private dropOwnBackup(): void {
    this.backedUp = false;
    void this.backupCall(() => this.ui.call('clearBackup', this.sessionId)).catch(() => undefined);
  }

  async newWorkspace(): Promise<void> {
    if (!this.confirmDiscard() || !(await this.settleBackup())) return;
    this.opening.cancel(); // New wins over a large open still being read
    applyDocument(this.doc, defaultDocument());
    this.path = null;
    this.name = null;
    this.saved = snapshotDocument(this.doc);
    this.error = null;
    this.dropOwnBackup();
  }

  /** Open… (a dialog), or a path main offered (Open Recent, command line, file association). */
  async open(path?: string): Promise<boolean> {
    if (!this.confirmDiscard() || !(await this.settleBackup())) return false;
    try {
      const opened = await this.ui.call('openWorkspace', ...(path === undefined ? [] : [{ path }]));
      if (!opened) return false;
      if (!(await this.load(opened.text, opened.name, opened.path))) return false;
      // Parsed: only now may main record it in Recent and let Save write back to it.
      await this.ui.call('confirmOpened', opened.path);
      void this.refreshRecent();
      return true;
    } catch (error) {
      this.fail(error);
      return false;
    }
  }

  /** A workspace dropped on the window: read in the renderer, so it has no path to save back to. */
  async openDropped(file: File): Promise<boolean> {
    if (!this.confirmDiscard() || !(await this.settleBackup())) return false;
    try {
      if (file.size > MAX_WORKSPACE_BYTES)
        throw new Error(
          `${file.name} is over the workspace limit of ${MAX_WORKSPACE_BYTES / 1024 / 1024} MiB.`,
        );
      return await this.load(await file.text(), file.name, null);
    } catch (error) {
      this.fail(error);
      return false;
    }
  }

  /**
   * Parses workspace text: large text in a worker, shown as "Opening <shown>…" with Cancel. Null
   * when cancelled, or when the document was edited meanwhile and the user keeps those edits.
   */
  private async parse(text: string, name: string, shown = name): Promise<WorkspaceDocument | null> {
    if (text.length < OFF_THREAD_CHARS) return readWorkspaceText(text, name);
    const before = snapshotDocument(this.doc);
    const signal = this.opening.begin(shown);
    try {
      const model = await readWorkspaceText(text, name, signal);
      if (signal.aborted) return null;
      this.opening.end(signal);
      const edited = !sameWorkspaceFile(before, snapshotDocument(this.doc));
      return !edited || this.confirmDiscard() ? model : null;
    } catch (error) {
      if (signal.aborted) return null; // cancelled: nothing changed, nothing to say
      throw error;
    } finally {
      this.opening.end(signal);
    }
  }

  /** Parses first; the document changes only if the whole file is good. False when the open was cancelled. */
  private async load(text: string, name: string, path: string | null): Promise<boolean> {
    const model = await this.parse(text, name);
    if (!model) return false;
    applyDocument(this.doc, model);
    this.path = path;
    this.name = name;
    this.saved = snapshotDocument(this.doc);
    this.error = null;
    this.notice = this.ui.t('file.opened', { name });
    return true;
  }

  async save(saveAs = false): Promise<boolean> {
    if (!(await this.settleBackup())) return false;
    try {
      // A run still going is saved with its points so far, as the chart shows it.
      trainingOf(this.doc)?.recordRunning();
      const saving = snapshotDocument(this.doc);
      const text = await writeWorkspaceText(saving, SAVED_BY);
      const saved = await this.ui.call('saveText', {
        kind: 'workspace',
        ...(saveAs || this.path === null ? {} : { path: this.path }),
        suggestedName: this.name ?? `untitled.${WORKSPACE_EXTENSION}`,
        text,
      });
      if (!saved) return false;
      this.path = saved.path;
      this.name = saved.name;
      // Clean at once, unless the document changed during the save (then it differs from what was saved).
      this.saved = saving;
      this.error = null;
      this.notice = this.ui.t('file.saved', { name: saved.name });
      // The work is safe on disk now: this session's backup has done its job.
      this.dropOwnBackup();
      void this.refreshRecent();
      return true;
    } catch (error) {
      this.fail(error);
      return false;
    }
  }

  async refreshRecent(): Promise<void> {
    this.recent = await this.ui.call('getRecent').catch(() => this.recent);
  }

  fail(error: unknown): void {
    this.error = userMessage(error);
  }
}
