import {
  EVENT_CHANNELS,
  INVOKE_CHANNELS,
  type FileKind,
  type IpcResult,
  type KernelStudioApi,
  type LossBatch,
  type MenuCommand,
} from '../../../ipc/contract';

interface DialogRequest {
  id: string;
  mode: 'open' | 'save';
  kind: FileKind;
  suggestedName?: string;
}

/**
 * `window.api` for browser mode: the same contract over HTTP to main's handlers
 * on loopback. The session cookie carries the launch token; events arrive by SSE.
 * Main's file dialogs come back here as a path prompt.
 */
export function createBrowserApi(): KernelStudioApi {
  const events = new EventSource('/api/events');
  const listeners = new Map<string, Set<(payload: unknown) => void>>();

  const listen = (channel: string) => {
    events.addEventListener(channel, (message) => {
      const payload = JSON.parse((message as MessageEvent<string>).data) as unknown;
      for (const listener of listeners.get(channel) ?? []) listener(payload);
    });
  };
  listen(EVENT_CHANNELS.onLossPoints);
  listen(EVENT_CHANNELS.onMenuCommand);
  events.addEventListener('dialog:request', (message) => {
    void answerDialog(JSON.parse((message as MessageEvent<string>).data) as DialogRequest);
  });

  const subscribe = <T>(channel: string, listener: (payload: T) => void): (() => void) => {
    const set = listeners.get(channel) ?? new Set();
    const wrapped = listener as (payload: unknown) => void;
    set.add(wrapped);
    listeners.set(channel, set);
    return () => {
      set.delete(wrapped);
    };
  };

  return {
    getAppInfo: () => invoke(INVOKE_CHANNELS.getAppInfo, []),
    openWorkspace: () => invoke(INVOKE_CHANNELS.openWorkspace, []),
    saveText: (request) => invoke(INVOKE_CHANNELS.saveText, [request]),
    appendLoss: (batch) => invoke(INVOKE_CHANNELS.appendLoss, [batch]),
    readLoss: (runId) => invoke(INVOKE_CHANNELS.readLoss, [runId]),
    onLossPoints: (listener) => subscribe<LossBatch>(EVENT_CHANNELS.onLossPoints, listener),
    onMenuCommand: (listener) => subscribe<MenuCommand>(EVENT_CHANNELS.onMenuCommand, listener),
  };
}

async function invoke<T>(channel: string, args: unknown[]): Promise<IpcResult<T>> {
  try {
    const response = await fetch(`/api/invoke/${encodeURIComponent(channel)}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(args),
    });
    if (!response.ok && response.headers.get('Content-Type')?.includes('application/json') !== true)
      return {
        ok: false,
        error: { code: 'forbidden', message: `The app server refused the request (${response.status}).` },
      };
    return (await response.json()) as IpcResult<T>;
  } catch {
    return { ok: false, error: { code: 'io', message: 'Lost the connection to the Kernel Studio server.' } };
  }
}

async function answerDialog(request: DialogRequest): Promise<void> {
  const question =
    request.mode === 'open'
      ? `Path of the ${request.kind} file to open:`
      : `Save ${request.kind} as (full path):`;
  const answer = window.prompt(question, request.mode === 'save' ? (request.suggestedName ?? '') : '');
  await fetch(`/api/dialog/${encodeURIComponent(request.id)}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ path: answer && answer.trim() ? answer.trim() : null }),
  });
}
