/**
 * The one IPC contract between the renderer and main. It imports nothing, so
 * every side (preload, browser-mode shim, main handlers, renderer) can share it.
 *
 * Every invoke returns an `IpcResult` envelope instead of throwing, so typed
 * errors (`code` + one-line `message`) survive the trip across the boundary.
 */

export type IpcErrorCode =
  | 'invalid-argument'
  | 'forbidden'
  | 'format'
  | 'unsupported'
  | 'too-large'
  | 'non-finite'
  | 'io'
  | 'not-found'
  | 'cancelled'
  | 'internal';

export interface IpcError {
  readonly code: IpcErrorCode;
  readonly message: string;
}

export type IpcResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: IpcError };

export type RuntimeKind = 'electron' | 'browser';

export interface AppInfo {
  readonly name: string;
  readonly version: string;
  readonly runtime: RuntimeKind;
  readonly platform: string;
  /** Empty in browser mode. */
  readonly electronVersion: string;
  readonly chromeVersion: string;
  readonly nodeVersion: string;
  /**
   * The data folder (autosaves, run logs, recent files) could not be made private (0700):
   * where it is and why, for the page to tell the user; absent when it is private.
   */
  readonly dataFolderProblem?: { readonly dir: string; readonly reason: string };
}

/** One loss sample of a training run: step is 1-based, loss is the forward loss before that step's update. */
export interface LossPoint {
  readonly step: number;
  readonly loss: number;
}

export interface LossBatch {
  /** A run id chosen by the renderer: letters, digits, '-' and '_', at most 64 characters. */
  readonly runId: string;
  readonly points: readonly LossPoint[];
}

/** Main's word on a run's log file: a write failed (points kept, retried), the log is full, or it recovered. */
export interface RunLogStatus {
  readonly runId: string;
  readonly ok: boolean;
  readonly message: string;
}

/** One run in the loss chart's list. Main keeps the list (it owns the run logs) and broadcasts each change. */
export interface RunListEntry {
  readonly runId: string;
  readonly label: string;
  readonly hidden: boolean;
}

/** A document's run list: main keeps one per document id, so windows and tabs never see each other's runs. */
export interface DocumentRuns {
  readonly documentId: string;
  readonly runs: readonly RunListEntry[];
}

export type FileKind = 'workspace' | 'kernel' | 'image' | 'chart';

export interface OpenedFile {
  readonly path: string;
  readonly name: string;
  readonly text: string;
}

export interface SavedFile {
  readonly path: string;
  readonly name: string;
}

/** Open a workspace: with `path`, one main offered (recent list, command line, file association); else ask. */
export interface OpenWorkspaceRequest {
  readonly path?: string;
}

/** 16 MiB: the most `openBytes` reads (kernel files, .npy and .safetensors, are tiny; this only bounds abuse). */
export const MAX_OPEN_BYTES = 16 * 1024 * 1024;

/** A file read as bytes (kernel import). */
export interface OpenedBytes {
  readonly path: string;
  readonly name: string;
  readonly bytes: Uint8Array;
}

export interface SaveBytesRequest {
  readonly kind: FileKind;
  /** Where to save: a path this session picked or opened before; omitted → ask the user (Save As). */
  readonly path?: string;
  readonly suggestedName: string;
  readonly bytes: Uint8Array;
}

/** One entry of main's recent-workspaces list (newest first). */
export interface RecentFile {
  readonly path: string;
  readonly name: string;
  /** ISO 8601. */
  readonly openedAt: string;
}

/**
 * A live document's id (a UUID the renderer makes for each window's document): main keeps the
 * document's run list and its autosave backup under it. Letters, digits, dashes.
 */
export const DOCUMENT_ID_PATTERN = /^[A-Za-z0-9-]{1,64}$/;
/** The pop-out loss chart's query: its view and the document it follows (`?view=chart&doc=<id>`). */
export function chartViewQuery(documentId: string): string {
  return `view=chart&doc=${encodeURIComponent(documentId)}`;
}

/** A backup's id: the document that wrote it. */
export const BACKUP_ID_PATTERN = DOCUMENT_ID_PATTERN;

/** The autosaved copy of unsaved work left by an earlier session. */
export interface BackupInfo {
  /** Which backup this is (the session that wrote it): what clearBackup takes. */
  readonly id: string;
  readonly text: string;
  /** ISO 8601, when it was written. */
  readonly savedAt: string;
  /** How many older backups wait behind this one. */
  readonly more: number;
}

/** What the renderer tells main about unsaved changes, so main can ask before closing the window. */
export interface DirtyState {
  readonly dirty: boolean;
  readonly name: string;
}

/**
 * In browser mode bytes travel inside JSON as `{ "$bytes": "<base64>" }`
 * (Electron's IPC carries a Uint8Array as is).
 */
export const WIRE_BYTES_KEY = '$bytes';

/**
 * Browser mode's page identity: each page opens a WebSocket at EVENTS_PATH, whose
 * messages are `{ event, data }`. Its first event (PAGE_HELLO_EVENT, `{ secret }`)
 * gives the page its own secret, and every API request carries it in PAGE_HEADER;
 * the launch cookie alone authorises nothing.
 */
export const EVENTS_PATH = '/api/events';
export const PAGE_HEADER = 'X-Kernel-Studio-Page';
export const PAGE_HELLO_EVENT = 'page:hello';
/**
 * Browser mode's file dialogs: main sends DIALOG_REQUEST_EVENT to the page that asked; the
 * page sends a DialogAnswer on its socket and gets a DialogReply (DIALOG_REPLY_EVENT).
 */
export const DIALOG_REQUEST_EVENT = 'dialog:request';
export const DIALOG_REPLY_EVENT = 'dialog:reply';
export interface DialogRequest {
  readonly id: string;
  readonly mode: 'open' | 'save';
  readonly kind: FileKind;
  readonly suggestedName?: string;
}
/** `path` null or '' cancels; `check: true` only asks which absolute path the answer means. */
export interface DialogAnswer {
  readonly id: string;
  readonly path: string | null;
  readonly check?: boolean;
}
/** The absolute path an answer means (null: cancelled). */
export type DialogReply = { readonly id: string } & IpcResult<string | null>;
/** Browser mode's save prompt shows the absolute path in a confirm() that starts with this line. */
export const SAVE_CONFIRM_PREFIX = 'Kernel Studio will write to:';

export interface SaveTextRequest {
  readonly kind: FileKind;
  /** Where to save: a path this session picked or opened before; omitted → ask the user (Save As). */
  readonly path?: string;
  readonly suggestedName: string;
  readonly text: string;
}

export type MenuCommand =
  | 'new'
  | 'open'
  | 'save'
  | 'save-as'
  | 'undo'
  | 'redo'
  | 'about'
  | 'backend-auto'
  | 'backend-cpu'
  | 'backend-webgpu'
  | 'locale-en'
  | 'locale-zh'
  | 'chart-window';

/** What main pushes to every renderer view. */
export interface MainEvents {
  readonly lossPoints: LossBatch;
  readonly menuCommand: MenuCommand;
  /** Main asks the renderer to open this workspace (Open Recent, command line, file association). */
  readonly openRequest: string;
  /** A run log could not be written (or is full), or writes again after a failure. */
  readonly runLogStatus: RunLogStatus;
  /** A document's run list changed (its window set it): the pop-out chart of that document follows. */
  readonly runList: DocumentRuns;
}

/** The API the preload (or the browser-mode shim) exposes as `window.api`: one method per message. */
export interface KernelStudioApi {
  getAppInfo(): Promise<IpcResult<AppInfo>>;
  openWorkspace(request?: OpenWorkspaceRequest): Promise<IpcResult<OpenedFile | null>>;
  /**
   * The renderer parsed the workspace `openWorkspace` returned: only now does main
   * record it in Recent and allow plain Save to write back to it.
   */
  confirmOpened(path: string): Promise<IpcResult<void>>;
  saveText(request: SaveTextRequest): Promise<IpcResult<SavedFile | null>>;
  /** Asks for a file and reads it as bytes (≤ MAX_OPEN_BYTES); null when the user cancels. */
  openBytes(kind: FileKind): Promise<IpcResult<OpenedBytes | null>>;
  saveBytes(request: SaveBytesRequest): Promise<IpcResult<SavedFile | null>>;
  getRecent(): Promise<IpcResult<RecentFile[]>>;
  /** Autosave of unsaved work, to the data folder; replaces this session's previous backup only. */
  writeBackup(text: string, session: string): Promise<IpcResult<void>>;
  /** The newest backup another session left (null when none). */
  readBackup(session: string): Promise<IpcResult<BackupInfo | null>>;
  /** Deletes one backup: this session's own, or one the user restored or discarded. */
  clearBackup(id: string): Promise<IpcResult<void>>;
  setDirty(state: DirtyState): Promise<IpcResult<void>>;
  appendLoss(batch: LossBatch): Promise<IpcResult<void>>;
  readLoss(runId: string): Promise<IpcResult<LossPoint[]>>;
  /** A document's run list as main keeps it (the pop-out chart reads its document's). */
  getRunList(documentId: string): Promise<IpcResult<RunListEntry[]>>;
  /** Replaces a document's run list (its window's chart); main broadcasts it as `runList`. */
  setRunList(documentId: string, runs: readonly RunListEntry[]): Promise<IpcResult<void>>;
  /** Opens (or focuses) the pop-out loss chart window of a document, fed by the same loss broadcast. */
  openChartWindow(documentId: string): Promise<IpcResult<void>>;
  onLossPoints(listener: (batch: LossBatch) => void): () => void;
  onMenuCommand(listener: (command: MenuCommand) => void): () => void;
  onOpenRequest(listener: (path: string) => void): () => void;
  onRunLogStatus(listener: (status: RunLogStatus) => void): () => void;
  onRunList(listener: (list: DocumentRuns) => void): () => void;
}

/**
 * Keyboard accelerators of the app's commands (Electron's syntax), listed once:
 * main's menu shows them, and in browser mode (no native menu) the renderer's
 * command registry matches key presses against the same table.
 */
export const COMMAND_ACCELERATORS: Partial<Record<MenuCommand, string>> = {
  new: 'CmdOrCtrl+N',
  open: 'CmdOrCtrl+O',
  save: 'CmdOrCtrl+S',
  'save-as': 'CmdOrCtrl+Shift+S',
  undo: 'CmdOrCtrl+Z',
  redo: 'CmdOrCtrl+Shift+Z',
  'chart-window': 'CmdOrCtrl+Shift+L',
};

/** Invoke channels, one per request method, named as on the wire. */
export const INVOKE_CHANNELS = {
  getAppInfo: 'app:get-info',
  openWorkspace: 'workspace:open',
  confirmOpened: 'workspace:confirm-open',
  saveText: 'file:save-text',
  openBytes: 'file:open-bytes',
  saveBytes: 'file:save-bytes',
  getRecent: 'workspace:recent',
  writeBackup: 'backup:write',
  readBackup: 'backup:read',
  clearBackup: 'backup:clear',
  setDirty: 'workspace:set-dirty',
  appendLoss: 'runs:append',
  readLoss: 'runs:read',
  getRunList: 'runs:get-list',
  setRunList: 'runs:set-list',
  openChartWindow: 'window:open-chart',
} as const;

/** Event channels, main → renderer. */
export const EVENT_CHANNELS = {
  onLossPoints: 'runs:points',
  onMenuCommand: 'menu:command',
  onOpenRequest: 'workspace:open-request',
  onRunLogStatus: 'runs:log-status',
  onRunList: 'runs:list',
} as const;

/** Which wire channel carries each main event. */
export const MAIN_EVENT_CHANNELS: { readonly [E in keyof MainEvents]: string } = {
  lossPoints: EVENT_CHANNELS.onLossPoints,
  menuCommand: EVENT_CHANNELS.onMenuCommand,
  openRequest: EVENT_CHANNELS.onOpenRequest,
  runLogStatus: EVENT_CHANNELS.onRunLogStatus,
  runList: EVENT_CHANNELS.onRunList,
};

export type InvokeMethod = keyof typeof INVOKE_CHANNELS;
export type InvokeChannel = (typeof INVOKE_CHANNELS)[InvokeMethod];
export type EventMethod = keyof typeof EVENT_CHANNELS;

/** Exactly the methods `window.api` must have, no more. */
export const API_METHODS = [
  ...(Object.keys(INVOKE_CHANNELS) as InvokeMethod[]),
  ...(Object.keys(EVENT_CHANNELS) as EventMethod[]),
] as const;

export type InvokeArgs<M extends InvokeMethod> = Parameters<KernelStudioApi[M]>;
export type InvokeValue<M extends InvokeMethod> =
  Awaited<ReturnType<KernelStudioApi[M]>> extends IpcResult<infer T> ? T : never;
