import {
  DIALOG_REPLY_EVENT,
  DIALOG_REQUEST_EVENT,
  EVENT_CHANNELS,
  EVENTS_PATH,
  INVOKE_CHANNELS,
  type DialogAnswer,
  type DialogReply,
  type DialogRequest,
  type IpcResult,
  type KernelStudioApi,
  type LossBatch,
  type MenuCommand,
  chartViewQuery,
  type DocumentRuns,
  type RunLogStatus,
  PAGE_HEADER,
  PAGE_HELLO_EVENT,
  SAVE_CONFIRM_PREFIX,
  WIRE_BYTES_KEY,
} from '../../../ipc/contract';
import { serverLink } from '../state/server-link.svelte';

/** How long a page waits before opening a new event socket after its socket dropped. */
const RECONNECT_MS = 1000;
/** How long it waits before trying again when that failed (the server is gone, maybe for good). */
const RETRY_MS = 3000;

/**
 * `window.api` for browser mode: the same contract over HTTP to main's handlers
 * on loopback. The session cookie carries the launch token; events arrive on a
 * WebSocket (an HTTP stream held open per tab would use up the browser's six
 * connections per host). The socket's first event is this page's own secret,
 * which every request carries in a header (a cookie alone authorises nothing).
 * Main's file dialogs come back here, to this page only, as a path prompt, and
 * are answered on the socket.
 */
export function createBrowserApi(): KernelStudioApi {
  dropTokenFromAddress();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  let secret: string | undefined;
  let announce: () => void = () => undefined;
  const firstHello = new Promise<void>((resolve) => (announce = resolve));
  const dialogs = new DialogChannel();
  const chartView = isChartView();

  const onEvent = (event: string, data: unknown) => {
    if (event === PAGE_HELLO_EVENT) {
      secret = (data as { secret: string }).secret;
      announce();
    } else if (event === DIALOG_REPLY_EVENT) dialogs.settle(data as DialogReply);
    // Only the main page answers main's dialogs; the pop-out chart tab stays out of it.
    else if (event === DIALOG_REQUEST_EVENT) {
      if (!chartView) void answerDialog(dialogs, data as DialogRequest);
    } else for (const listener of listeners.get(event) ?? []) listener(data);
  };
  // A new socket (after a drop) is a new page identity with a new secret. The first socket
  // refused before it opened (not logged in) is final: calls go ahead and get the server's
  // refusal. After a drop the page keeps trying; once a try fails, the link is lost (and shown).
  let everOpened = false;
  const connect = () => {
    const socket = new WebSocket(
      `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${EVENTS_PATH}`,
    );
    let opened = false;
    socket.addEventListener('open', () => {
      opened = everOpened = true;
      serverLink.opened();
      dialogs.attach(socket);
    });
    socket.addEventListener('message', (message) => {
      const { event, data } = JSON.parse(String((message as MessageEvent<string>).data)) as {
        event: string;
        data: unknown;
      };
      onEvent(event, data);
    });
    socket.addEventListener('close', () => {
      dialogs.detach(socket);
      if (!everOpened) return announce();
      if (!opened) serverLink.reconnectFailed();
      setTimeout(connect, opened ? RECONNECT_MS : RETRY_MS);
    });
  };
  connect();
  const post = async (path: string, body: string): Promise<Response> => {
    await firstHello;
    return fetch(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', [PAGE_HEADER]: secret ?? '' },
      body,
    });
  };
  const invoke = <T>(channel: string, args: unknown[]): Promise<IpcResult<T>> =>
    invokeOver(post, channel, args);

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
    openWorkspace: (request) => invoke(INVOKE_CHANNELS.openWorkspace, request === undefined ? [] : [request]),
    confirmOpened: (path) => invoke(INVOKE_CHANNELS.confirmOpened, [path]),
    saveText: (request) => invoke(INVOKE_CHANNELS.saveText, [request]),
    openBytes: (kind) => invoke(INVOKE_CHANNELS.openBytes, [kind]),
    saveBytes: (request) => invoke(INVOKE_CHANNELS.saveBytes, [request]),
    getRecent: () => invoke(INVOKE_CHANNELS.getRecent, []),
    writeBackup: (text, session) => invoke(INVOKE_CHANNELS.writeBackup, [text, session]),
    readBackup: (session) => invoke(INVOKE_CHANNELS.readBackup, [session]),
    clearBackup: (id) => invoke(INVOKE_CHANNELS.clearBackup, [id]),
    setDirty: (state) => invoke(INVOKE_CHANNELS.setDirty, [state]),
    appendLoss: (batch) => invoke(INVOKE_CHANNELS.appendLoss, [batch]),
    readLoss: (runId) => invoke(INVOKE_CHANNELS.readLoss, [runId]),
    getRunList: (documentId) => invoke(INVOKE_CHANNELS.getRunList, [documentId]),
    setRunList: (documentId, runs) => invoke(INVOKE_CHANNELS.setRunList, [documentId, runs]),
    // A browser opens the chart as a popup window of the same origin, with its own event socket.
    openChartWindow: async (documentId) =>
      window.open(chartWindowUrl(documentId), CHART_WINDOW_NAME, 'popup,width=780,height=560') !== null
        ? { ok: true, value: undefined }
        : { ok: false, error: { code: 'forbidden', message: 'The browser blocked the chart window.' } },
    onLossPoints: (listener) => subscribe<LossBatch>(EVENT_CHANNELS.onLossPoints, listener),
    onMenuCommand: (listener) => subscribe<MenuCommand>(EVENT_CHANNELS.onMenuCommand, listener),
    onOpenRequest: (listener) => subscribe<string>(EVENT_CHANNELS.onOpenRequest, listener),
    onRunLogStatus: (listener) => subscribe<RunLogStatus>(EVENT_CHANNELS.onRunLogStatus, listener),
    onRunList: (listener) => subscribe<DocumentRuns>(EVENT_CHANNELS.onRunList, listener),
  };
}

/**
 * The launch token opens the first page (the server answers with a session cookie): it is then
 * taken out of the address bar and the history, where anyone looking at the screen could read it.
 */
function dropTokenFromAddress(): void {
  const url = new URL(location.href);
  if (!url.searchParams.has('token')) return;
  url.searchParams.delete('token');
  history.replaceState(history.state, '', url);
}

/** The pop-out loss chart of a document: this page with `?view=chart&doc=<id>` (the session cookie carries the token). */
export const CHART_WINDOW_NAME = 'kernel-studio-chart';
export function chartWindowUrl(documentId: string): string {
  return `${location.origin}/?${chartViewQuery(documentId)}`;
}

/** The document the pop-out chart follows ('' outside a chart view). */
export function chartDocumentId(): string {
  return new URLSearchParams(location.search).get('doc') ?? '';
}

export function isChartView(): boolean {
  return new URLSearchParams(location.search).get('view') === 'chart';
}

type Post = (path: string, body: string) => Promise<Response>;

/**
 * The page's side of main's dialogs: answers go out on the page's current socket, and each
 * waits for its reply. A socket that drops settles what waits on it as cancelled (the server
 * cancels that page's dialogs then too), so an answer never waits forever.
 */
class DialogChannel {
  private socket: WebSocket | undefined;
  private readonly waiting = new Map<string, (reply: IpcResult<string | null>) => void>();

  attach(socket: WebSocket): void {
    this.socket = socket;
  }

  detach(socket: WebSocket): void {
    if (this.socket !== socket) return;
    this.socket = undefined;
    for (const settle of this.waiting.values()) settle(LOST_DIALOG);
    this.waiting.clear();
  }

  settle(reply: DialogReply): void {
    const settle = this.waiting.get(reply.id);
    this.waiting.delete(reply.id);
    settle?.(reply);
  }

  /** Sends the answer; the reply gives the absolute path it means (null: cancelled). */
  send(answer: DialogAnswer): Promise<IpcResult<string | null>> {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) return Promise.resolve(LOST_DIALOG);
    return new Promise((resolve) => {
      this.waiting.get(answer.id)?.(LOST_DIALOG);
      this.waiting.set(answer.id, resolve);
      socket.send(JSON.stringify(answer));
    });
  }
}

const LOST_DIALOG: IpcResult<string | null> = {
  ok: false,
  error: { code: 'io', message: 'Lost the connection to the Kernel Studio server.' },
};

async function invokeOver<T>(post: Post, channel: string, args: unknown[]): Promise<IpcResult<T>> {
  try {
    const response = await post(
      `/api/invoke/${encodeURIComponent(channel)}`,
      JSON.stringify(args, encodeBytes),
    );
    if (!response.ok && response.headers.get('Content-Type')?.includes('application/json') !== true)
      return {
        ok: false,
        error: { code: 'forbidden', message: `The app server refused the request (${response.status}).` },
      };
    return JSON.parse(await response.text(), reviveBytes) as IpcResult<T>;
  } catch {
    return { ok: false, error: { code: 'io', message: 'Lost the connection to the Kernel Studio server.' } };
  }
}

/** JSON has no bytes: a Uint8Array travels as `{ "$bytes": base64 }` both ways. */
function encodeBytes(_key: string, value: unknown): unknown {
  if (!(value instanceof Uint8Array)) return value;
  let binary = '';
  for (let i = 0; i < value.length; i += 0x8000)
    binary += String.fromCharCode(...value.subarray(i, i + 0x8000));
  return { [WIRE_BYTES_KEY]: btoa(binary) };
}

function reviveBytes(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const encoded = (value as Record<string, unknown>)[WIRE_BYTES_KEY];
  if (typeof encoded !== 'string' || Object.keys(value).length !== 1) return value;
  const binary = atob(encoded);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * Main's dialog as a prompt. A relative name starts at the user's home folder (main
 * resolves it); before a save, the page shows the absolute path and asks once more.
 */
async function answerDialog(dialogs: DialogChannel, request: DialogRequest): Promise<void> {
  const question =
    request.mode === 'open'
      ? `Path of the ${request.kind} file to open (relative to your home folder):`
      : `Save ${request.kind} as (a path; relative to your home folder):`;
  const typed = window.prompt(question, request.mode === 'save' ? (request.suggestedName ?? '') : '');
  let path = typed && typed.trim() ? typed.trim() : null;
  if (path !== null && request.mode === 'save') {
    const checked = await dialogs.send({ id: request.id, path, check: true });
    const absolute = checked.ok ? checked.value : null;
    path = absolute !== null && window.confirm(`${SAVE_CONFIRM_PREFIX}\n${absolute}`) ? absolute : null;
  }
  await dialogs.send({ id: request.id, path });
}
