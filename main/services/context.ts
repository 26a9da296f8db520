import type { AppInfo, DirtyState, FileKind, MainEvents, RecentFile } from '../../ipc/contract';

/**
 * Native file dialogs in Electron; a path prompt relayed to the page in browser mode; stubs in tests.
 * `caller` is the host's id for the page that made the request (browser mode asks only that page).
 */
export interface Dialogs {
  pickOpenPath(kind: FileKind, caller?: string): Promise<string | null>;
  pickSavePath(kind: FileKind, suggestedName: string, caller?: string): Promise<string | null>;
}

/** What the handlers need from their host (Electron or the browser-mode server). */
export interface HostContext {
  readonly appInfo: AppInfo;
  /** The app's data folder: run logs, autosave, recent files, settings. */
  readonly dataDir: string;
  readonly dialogs: Dialogs;
  broadcast<E extends keyof MainEvents>(event: E, payload: MainEvents[E]): void;
  /** The recent-workspaces list changed (Electron rebuilds its Open Recent menu). */
  recentChanged?(files: readonly RecentFile[]): void;
  /** The renderer reported unsaved changes (Electron asks before closing a dirty window). */
  dirtyChanged?(state: DirtyState): void;
  /** Opens or focuses the pop-out loss chart window of a document (Electron); browser mode opens a tab in the page instead. */
  openChartWindow?(documentId: string): void;
}
