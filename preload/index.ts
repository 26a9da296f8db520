import { contextBridge, ipcRenderer } from 'electron';
import {
  EVENT_CHANNELS,
  INVOKE_CHANNELS,
  type KernelStudioApi,
  type LossBatch,
  type MenuCommand,
  type DocumentRuns,
  type RunLogStatus,
} from '../ipc/contract';

/**
 * One method per message; never the raw ipcRenderer, never the event object.
 * Listeners get only the payload, and each subscription returns its own unsubscribe.
 */
function subscribe<T>(channel: string, listener: (payload: T) => void): () => void {
  const wrapped = (_event: unknown, payload: T): void => listener(payload);
  ipcRenderer.on(channel, wrapped);
  return () => {
    ipcRenderer.removeListener(channel, wrapped);
  };
}

const api = {
  getAppInfo: () => ipcRenderer.invoke(INVOKE_CHANNELS.getAppInfo),
  openWorkspace: (request) =>
    request === undefined
      ? ipcRenderer.invoke(INVOKE_CHANNELS.openWorkspace)
      : ipcRenderer.invoke(INVOKE_CHANNELS.openWorkspace, request),
  confirmOpened: (path) => ipcRenderer.invoke(INVOKE_CHANNELS.confirmOpened, path),
  saveText: (request) => ipcRenderer.invoke(INVOKE_CHANNELS.saveText, request),
  openBytes: (kind) => ipcRenderer.invoke(INVOKE_CHANNELS.openBytes, kind),
  saveBytes: (request) => ipcRenderer.invoke(INVOKE_CHANNELS.saveBytes, request),
  getRecent: () => ipcRenderer.invoke(INVOKE_CHANNELS.getRecent),
  writeBackup: (text, session) => ipcRenderer.invoke(INVOKE_CHANNELS.writeBackup, text, session),
  readBackup: (session) => ipcRenderer.invoke(INVOKE_CHANNELS.readBackup, session),
  clearBackup: (id) => ipcRenderer.invoke(INVOKE_CHANNELS.clearBackup, id),
  setDirty: (state) => ipcRenderer.invoke(INVOKE_CHANNELS.setDirty, state),
  appendLoss: (batch) => ipcRenderer.invoke(INVOKE_CHANNELS.appendLoss, batch),
  readLoss: (runId) => ipcRenderer.invoke(INVOKE_CHANNELS.readLoss, runId),
  getRunList: (documentId) => ipcRenderer.invoke(INVOKE_CHANNELS.getRunList, documentId),
  setRunList: (documentId, runs) => ipcRenderer.invoke(INVOKE_CHANNELS.setRunList, documentId, runs),
  openChartWindow: (documentId) => ipcRenderer.invoke(INVOKE_CHANNELS.openChartWindow, documentId),
  onLossPoints: (listener) => subscribe<LossBatch>(EVENT_CHANNELS.onLossPoints, listener),
  onMenuCommand: (listener) => subscribe<MenuCommand>(EVENT_CHANNELS.onMenuCommand, listener),
  onOpenRequest: (listener) => subscribe<string>(EVENT_CHANNELS.onOpenRequest, listener),
  onRunLogStatus: (listener) => subscribe<RunLogStatus>(EVENT_CHANNELS.onRunLogStatus, listener),
  onRunList: (listener) => subscribe<DocumentRuns>(EVENT_CHANNELS.onRunList, listener),
} satisfies KernelStudioApi;

contextBridge.exposeInMainWorld('api', api);
