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

export interface RunSummary {
  readonly runId: string;
  readonly label: string;
  readonly points: number;
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
  | 'locale-zh';

/** What main pushes to every renderer view. */
export interface MainEvents {
  readonly lossPoints: LossBatch;
  readonly menuCommand: MenuCommand;
}

/** The API the preload (or the browser-mode shim) exposes as `window.api`: one method per message. */
export interface KernelStudioApi {
  getAppInfo(): Promise<IpcResult<AppInfo>>;
  openWorkspace(): Promise<IpcResult<OpenedFile | null>>;
  saveText(request: SaveTextRequest): Promise<IpcResult<SavedFile | null>>;
  appendLoss(batch: LossBatch): Promise<IpcResult<void>>;
  readLoss(runId: string): Promise<IpcResult<LossPoint[]>>;
  onLossPoints(listener: (batch: LossBatch) => void): () => void;
  onMenuCommand(listener: (command: MenuCommand) => void): () => void;
}

/** Invoke channels, one per request method, named as on the wire. */
export const INVOKE_CHANNELS = {
  getAppInfo: 'app:get-info',
  openWorkspace: 'workspace:open',
  saveText: 'file:save-text',
  appendLoss: 'runs:append',
  readLoss: 'runs:read',
} as const;

/** Event channels, main → renderer. */
export const EVENT_CHANNELS = {
  onLossPoints: 'runs:points',
  onMenuCommand: 'menu:command',
} as const;

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
