import { basename, join, resolve } from 'node:path';
import type { z } from 'zod';
import { isKernelStudioError } from '#core/errors';
import {
  INVOKE_CHANNELS,
  MAX_OPEN_BYTES,
  type InvokeChannel,
  type InvokeMethod,
  type IpcError,
  type IpcErrorCode,
  type DirtyState,
  type FileKind,
  type IpcResult,
  type LossBatch,
  type OpenedBytes,
  type OpenedFile,
  type OpenWorkspaceRequest,
  type RunListEntry,
  type SaveBytesRequest,
  type SavedFile,
  type SaveTextRequest,
} from '../../ipc/contract';
import {
  describeFsError,
  makePrivateFolder,
  readBytesFile,
  readTextFile,
  writeFileAtomic,
} from './atomic-file';
import { BackupStore } from './backup';
import type { HostContext } from './context';
import { ioErrorOf, isErrnoError } from './io-errors';
import { RecentFiles } from './recent';
import { RunLog } from './run-log';
import { argSchemas, MAX_TEXT_BYTES } from './schemas';

/** How many documents' run lists main keeps (windows opened in one session); the oldest go first. */
const MAX_DOCUMENT_RUN_LISTS = 256;

type Handler = (args: never, caller: string | undefined) => Promise<unknown>;

/**
 * The main process's request handlers, independent of Electron: the desktop
 * app and the browser-mode server both dispatch into this one table, after
 * checking who is calling. Every argument is parsed with its schema first.
 */
export class MainHandlers {
  readonly runLog: RunLog;
  /** Paths the user picked in a dialog or opened: the only places saves may go, besides the data folder. */
  private readonly grantedPaths = new Set<string>();
  /** Workspaces main itself offered to the renderer (command line, file association, Open Recent). */
  private readonly offeredPaths = new Set<string>();
  /** The workspace last read for the renderer, until it confirms it parsed (confirmOpened). */
  private unconfirmedOpen: string | null = null;
  /**
   * Each document's chart runs, by document id: main owns them with their logs, the document's
   * window sets them and its pop-out chart follows them; no window sees another document's runs.
   */
  private readonly runLists = new Map<string, readonly RunListEntry[]>();
  readonly recent: RecentFiles;
  readonly backup: BackupStore;
  /** The renderer's last report of unsaved changes. */
  dirty: DirtyState = { dirty: false, name: '' };
  /** Why the data folder is not private (0700), when it could not be made so: the page tells the user. */
  readonly dataFolderProblem: string | null;

  constructor(private readonly host: HostContext) {
    this.dataFolderProblem = privateDataFolder(host.dataDir);
    this.runLog = new RunLog(join(host.dataDir, 'runs'), (status) => host.broadcast('runLogStatus', status));
    this.recent = new RecentFiles(host.dataDir, (files) => host.recentChanged?.(files));
    this.backup = new BackupStore(host.dataDir, MAX_TEXT_BYTES);
  }

  private readonly table: Record<InvokeMethod, Handler> = {
    getAppInfo: async () =>
      this.dataFolderProblem === null
        ? this.host.appInfo
        : {
            ...this.host.appInfo,
            dataFolderProblem: { dir: this.host.dataDir, reason: this.dataFolderProblem },
          },
    openWorkspace: async ([request]: [OpenWorkspaceRequest?], caller) =>
      this.openWorkspace(request?.path, caller),
    confirmOpened: async ([path]: [string]) => this.confirmOpened(path),
    saveText: async ([request]: [SaveTextRequest], caller) => this.save(request, request.text, caller),
    openBytes: async ([kind]: [FileKind], caller) => this.openBytes(kind, caller),
    saveBytes: async ([request]: [SaveBytesRequest], caller) => this.save(request, request.bytes, caller),
    getRecent: async () => this.recent.list(),
    writeBackup: async ([text, session]: [string, string]) => this.backup.write(text, session),
    readBackup: async ([session]: [string]) => this.backup.read(session),
    clearBackup: async ([id]: [string]) => this.backup.clear(id),
    setDirty: async ([state]: [DirtyState]) => {
      this.dirty = state;
      this.host.dirtyChanged?.(state);
    },
    appendLoss: async ([batch]: [LossBatch]) => this.appendLoss(batch),
    readLoss: async ([runId]: [string]) => this.runLog.read(runId),
    getRunList: async ([documentId]: [string]) => [...(this.runLists.get(documentId) ?? [])],
    setRunList: async ([documentId, runs]: [string, RunListEntry[]]) => this.setRunList(documentId, runs),
    openChartWindow: async ([documentId]: [string]) => {
      if (!this.host.openChartWindow)
        throw new IpcFailure('unsupported', 'This host cannot open a chart window.');
      this.host.openChartWindow(documentId);
    },
  };

  /** Looks a wire channel name up; unknown names are refused. */
  static methodOf(channel: string): InvokeMethod | undefined {
    return (Object.keys(INVOKE_CHANNELS) as InvokeMethod[]).find((m) => INVOKE_CHANNELS[m] === channel);
  }

  /**
   * Validates and runs one call; never throws, always answers with an envelope.
   * `caller` is the host's id for the calling page: the dialogs it opens are that page's.
   */
  async dispatch(
    channel: InvokeChannel | string,
    args: unknown,
    caller?: string,
  ): Promise<IpcResult<unknown>> {
    const method = MainHandlers.methodOf(channel);
    if (!method) return failure('invalid-argument', `Unknown request "${String(channel).slice(0, 64)}".`);
    const schema: z.ZodType = argSchemas[method];
    const parsed = schema.safeParse(args);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
      return failure(
        'invalid-argument',
        `Bad argument for ${channel}${where}: ${issue?.message ?? 'invalid'}.`,
      );
    }
    try {
      const value = await this.table[method](parsed.data as never, caller);
      return { ok: true, value };
    } catch (error) {
      return { ok: false, error: toIpcError(error) };
    }
  }

  async close(): Promise<void> {
    await this.runLog.flush();
    this.runLog.dispose();
  }

  /**
   * Offers a workspace to the renderer (command line, file association, Open
   * Recent): the path becomes openable without a dialog, and the renderer is
   * asked to open it (after its own unsaved-changes check).
   */
  offerOpen(path: string): void {
    const absolute = resolve(path);
    this.offeredPaths.add(absolute);
    this.host.broadcast('openRequest', absolute);
  }

  private async openWorkspace(
    requested: string | undefined,
    caller: string | undefined,
  ): Promise<OpenedFile | null> {
    let absolute: string;
    if (requested !== undefined) {
      absolute = resolve(requested);
      const allowed =
        this.offeredPaths.has(absolute) ||
        this.grantedPaths.has(absolute) ||
        (await this.recent.has(absolute));
      if (!allowed) throw new IpcFailure('forbidden', 'Opening that file needs the Open dialog first.');
    } else {
      const path = await this.host.dialogs.pickOpenPath('workspace', caller);
      if (path === null) return null;
      absolute = resolve(path);
    }
    const text = await readTextFile(absolute, MAX_TEXT_BYTES);
    // Not granted nor recent yet: that waits until the renderer has parsed it (confirmOpened).
    this.unconfirmedOpen = absolute;
    return { path: absolute, name: basename(absolute), text };
  }

  private async confirmOpened(path: string): Promise<void> {
    const absolute = resolve(path);
    if (this.unconfirmedOpen !== absolute)
      throw new IpcFailure('forbidden', 'Only the workspace just opened can be confirmed.');
    this.unconfirmedOpen = null;
    this.grantedPaths.add(absolute);
    await this.recent.add(absolute).catch(() => undefined);
  }

  private async openBytes(kind: FileKind, caller: string | undefined): Promise<OpenedBytes | null> {
    const path = await this.host.dialogs.pickOpenPath(kind, caller);
    if (path === null) return null;
    const absolute = resolve(path);
    const bytes = await readBytesFile(absolute, MAX_OPEN_BYTES);
    return { path: absolute, name: basename(absolute), bytes };
  }

  /** Save / Save As for text and bytes: only to a granted path, else where the user picks. */
  private async save(
    request: { kind: FileKind; path?: string; suggestedName: string },
    data: string | Uint8Array,
    caller: string | undefined,
  ): Promise<SavedFile | null> {
    let target: string;
    if (request.path !== undefined) {
      target = resolve(request.path);
      if (!this.grantedPaths.has(target))
        throw new IpcFailure('forbidden', 'Saving there needs the Save As dialog first.');
    } else {
      const picked = await this.host.dialogs.pickSavePath(request.kind, request.suggestedName, caller);
      if (picked === null) return null;
      target = resolve(picked);
    }
    // writeFileAtomic's errors already say why (an unwritable folder is named as such).
    await writeFileAtomic(target, data);
    this.grantedPaths.add(target);
    if (request.kind === 'workspace') {
      await this.recent.add(target).catch(() => undefined);
    }
    return { path: target, name: basename(target) };
  }

  private setRunList(documentId: string, runs: readonly RunListEntry[]): void {
    // Most recently set last; the documents of long-closed windows go first past the cap.
    this.runLists.delete(documentId);
    this.runLists.set(documentId, runs);
    for (const old of this.runLists.keys()) {
      if (this.runLists.size <= MAX_DOCUMENT_RUN_LISTS) break;
      this.runLists.delete(old);
    }
    this.host.broadcast('runList', { documentId, runs });
  }

  private appendLoss(batch: LossBatch): void {
    this.runLog.append(batch.runId, batch.points);
    this.host.broadcast('lossPoints', batch);
  }
}

/** Makes the data folder private (0700, in Electron and browser mode alike); the reason when that failed, else null. */
function privateDataFolder(dir: string): string | null {
  try {
    return makePrivateFolder(dir);
  } catch (error) {
    return describeFsError(error);
  }
}

class IpcFailure extends Error {
  constructor(
    readonly code: IpcErrorCode,
    message: string,
  ) {
    super(message);
  }
}

function failure(code: IpcErrorCode, message: string): IpcResult<never> {
  return { ok: false, error: { code, message } };
}

const PASSTHROUGH_CODES = new Set<string>([
  'format',
  'unsupported',
  'too-large',
  'non-finite',
  'io',
  'forbidden',
]);

function toIpcError(error: unknown): IpcError {
  if (error instanceof IpcFailure) return { code: error.code, message: error.message };
  if (isErrnoError(error)) error = ioErrorOf(error, 'The file operation failed');
  if (isKernelStudioError(error))
    return {
      code: PASSTHROUGH_CODES.has(error.code) ? (error.code as IpcErrorCode) : 'invalid-argument',
      message: error.message,
    };
  // Unexpected: keep the message, drop the stack.
  return { code: 'internal', message: error instanceof Error ? error.message : String(error) };
}
