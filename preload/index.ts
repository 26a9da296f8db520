import { contextBridge, ipcRenderer } from 'electron';
import {
  EVENT_CHANNELS,
  INVOKE_CHANNELS,
  type KernelStudioApi,
  type LossBatch,
  type MenuCommand,
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
  openWorkspace: () => ipcRenderer.invoke(INVOKE_CHANNELS.openWorkspace),
  saveText: (request) => ipcRenderer.invoke(INVOKE_CHANNELS.saveText, request),
  appendLoss: (batch) => ipcRenderer.invoke(INVOKE_CHANNELS.appendLoss, batch),
  readLoss: (runId) => ipcRenderer.invoke(INVOKE_CHANNELS.readLoss, runId),
  onLossPoints: (listener) => subscribe<LossBatch>(EVENT_CHANNELS.onLossPoints, listener),
  onMenuCommand: (listener) => subscribe<MenuCommand>(EVENT_CHANNELS.onMenuCommand, listener),
} satisfies KernelStudioApi;

contextBridge.exposeInMainWorld('api', api);
