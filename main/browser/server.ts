import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { AppInfo, FileKind } from '../../ipc/contract';
import {
  DIALOG_REPLY_EVENT,
  DIALOG_REQUEST_EVENT,
  EVENTS_PATH,
  MAIN_EVENT_CHANNELS,
  PAGE_HEADER,
  PAGE_HELLO_EVENT,
  WIRE_BYTES_KEY,
  type DialogAnswer,
  type DialogReply,
  type IpcResult,
} from '../../ipc/contract';
import type { Dialogs } from '../services/context';
import { MainHandlers } from '../services/handlers';
import { MAX_TEXT_BYTES } from '../services/schemas';
import { mimeOf, readStaticFile } from '../services/static-files';
import { BROWSER_MODE_CSP_HEADER, CROSS_ORIGIN_ISOLATION } from '../services/csp';
import { CONNECTION_OPTIONS, limitConnections } from './connections';
import { PageSockets, refuseUpgrade, type WebSocketPeer } from './websocket';

export interface BrowserServerOptions {
  rendererDir: string;
  dataDir: string;
  appInfo: AppInfo;
  /** 0 picks a free port. */
  port?: number;
  /** Fixed only in tests; a fresh random token per launch otherwise. */
  token?: string;
  /** Where relative answers to a path prompt are resolved: the user's home folder (a temp folder in tests). */
  homeDir?: string;
  /** How long a new connection may stay silent (FIRST_REQUEST_MS; longer only in tests of the cap). */
  firstRequestMs?: number;
}

export interface BrowserServer {
  readonly url: string;
  readonly port: number;
  readonly token: string;
  readonly handlers: MainHandlers;
  close(): Promise<void>;
}

/** Cookies are not scoped by port: the name carries it, so two launches never overwrite each other's. */
const tokenCookie = (port: number) => `ks_token_${port}`;
const MAX_BODY_BYTES = MAX_TEXT_BYTES + 1024 * 1024;
/** Request bodies held at once (read, parsed, being handled): two of the largest. */
export const MAX_BODIES_BYTES = 2 * MAX_BODY_BYTES;
/** Pages (tabs) with an event socket at once. */
export const MAX_PAGES = 32;

/**
 * One page (tab) of the app: it exists while its event socket (a WebSocket at
 * EVENTS_PATH) is open. Its secret arrives as the socket's first event, which
 * only a script of our own origin can read, and every API call must carry it in
 * PAGE_HEADER: the cookie alone (which the browser also sends from other local
 * ports) authorises nothing. A dialog belongs to the page whose call opened it;
 * only that page sees it and answers it, over its own socket, so an answer never
 * waits for an HTTP connection.
 */
interface PageConnection {
  readonly id: string;
  readonly secret: string;
  readonly socket: WebSocketPeer;
}

interface PendingDialog {
  readonly page: PageConnection;
  readonly mode: 'open' | 'save';
  readonly resolvePath: (path: string | null) => void;
}

/**
 * Kernel Studio without Electron: main's handlers behind a loopback-only HTTP
 * server. Every request must carry the per-launch token (query or cookie) and
 * come from our own origin and host name; events reach the page over a WebSocket.
 */
export async function startBrowserServer(options: BrowserServerOptions): Promise<BrowserServer> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const home = options.homeDir ?? homedir();
  /** Live pages by id and by secret. */
  const pages = new Map<string, PageConnection>();
  const pagesBySecret = new Map<string, PageConnection>();
  const pendingDialogs = new Map<string, PendingDialog>();

  const sendTo = (page: PageConnection, event: string, payload: unknown): void =>
    page.socket.sendText(JSON.stringify({ event, data: payload }));
  const send = (event: string, payload: unknown): void => {
    for (const page of pages.values()) sendTo(page, event, payload);
  };

  /**
   * The "native dialog" of browser mode: the page that made the call shows a
   * path prompt and posts the answer back. No page (or a closed one): cancelled.
   */
  const askPage = (
    caller: string | undefined,
    request: { mode: 'open' | 'save'; kind: FileKind; suggestedName?: string },
  ) =>
    new Promise<string | null>((resolvePath) => {
      const page = caller === undefined ? undefined : pages.get(caller);
      if (!page) return resolvePath(null);
      const id = randomUUID();
      pendingDialogs.set(id, { page, mode: request.mode, resolvePath });
      sendTo(page, DIALOG_REQUEST_EVENT, { id, ...request });
    });

  const dialogs: Dialogs = {
    pickOpenPath: (kind, caller) => askPage(caller, { mode: 'open', kind }),
    pickSavePath: (kind, suggestedName, caller) => askPage(caller, { mode: 'save', kind, suggestedName }),
  };

  /** A typed answer, made absolute: `~` and relative names start at the user's home, never our cwd. */
  const absoluteAnswer = (answer: string): string =>
    answer === '~' || answer.startsWith('~/') ? join(home, answer.slice(1)) : resolve(home, answer);

  const handlers = new MainHandlers({
    appInfo: options.appInfo,
    dataDir: options.dataDir,
    dialogs,
    broadcast: (event, payload) => send(MAIN_EVENT_CHANNELS[event], payload),
  });

  let port = 0;
  const sockets = new PageSockets();
  const bodies = new BodyBudget(MAX_BODIES_BYTES);
  const server: Server = createServer(CONNECTION_OPTIONS, (req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) reply(res, 500, 'text/plain', 'internal error');
      else res.end();
    });
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const refused = refusal(req, url) ?? (req.headers.origin === undefined ? ORIGIN_REQUIRED : undefined);
    if (refused) return refuseUpgrade(socket, refused.status, refused.text);
    if (url.pathname !== EVENTS_PATH) return refuseUpgrade(socket, 404, 'not found');
    if (sockets.size >= MAX_PAGES) return refuseUpgrade(socket, 503, 'too many pages');
    openPage(req, socket, head);
  });
  limitConnections(server, options.firstRequestMs);

  const allowedHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const allowedOrigins = () => new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);

  /**
   * The checks every request passes first, HTTP or WebSocket: one Host header, one of
   * our host names, our origin (when sent), the launch token; and for the API, same-origin.
   */
  function refusal(req: IncomingMessage, url: URL): { status: number; text: string } | undefined {
    // Node keeps only the first of several Host headers: a request with two is refused outright.
    if (req.rawHeaders.filter((_, i) => i % 2 === 0 && /^host$/i.test(req.rawHeaders[i]!)).length !== 1)
      return { status: 400, text: 'exactly one Host header' };
    // DNS rebinding: only our own host names.
    if (!allowedHosts().has(req.headers.host ?? '')) return { status: 403, text: 'bad host' };
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins().has(origin)) return { status: 403, text: 'bad origin' };
    const presented = url.searchParams.get('token') ?? readCookie(req, tokenCookie(port));
    if (!presented || !sameSecret(presented, token)) return { status: 401, text: 'token required' };
    if (url.pathname.startsWith('/api/')) {
      // Another site's page (another port on 127.0.0.1 is the same *site*) never reaches the API.
      const fetchSite = req.headers['sec-fetch-site'];
      if (fetchSite !== undefined && fetchSite !== 'same-origin')
        return { status: 403, text: 'same-origin only' };
    }
    return undefined;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const refused = refusal(req, url);
    if (refused) {
      // A refused client keeps no connection open.
      res.shouldKeepAlive = false;
      return reply(res, refused.status, 'text/plain', refused.text);
    }
    if (url.searchParams.has('token'))
      res.setHeader('Set-Cookie', `${tokenCookie(port)}=${token}; HttpOnly; SameSite=Strict; Path=/`);
    if (url.pathname === EVENTS_PATH) return reply(res, 426, 'text/plain', 'WebSocket only');
    if (url.pathname.startsWith('/api/')) {
      if (req.method !== 'POST') return reply(res, 405, 'text/plain', 'POST only');
      if (req.headers.origin === undefined)
        return reply(res, ORIGIN_REQUIRED.status, 'text/plain', ORIGIN_REQUIRED.text);
      const pageSecret = req.headers[PAGE_HEADER.toLowerCase()];
      const page = typeof pageSecret === 'string' ? pagesBySecret.get(pageSecret) : undefined;
      if (!page) return reply(res, 401, 'text/plain', 'page secret required');
      const held = bodies.hold();
      try {
        const body = await readJsonBody(req, held);
        if (body === TOO_LARGE) return replyJson(res, 413, tooLarge());
        if (body === BUSY) return replyJson(res, 503, busy());
        if (body === undefined) return replyJson(res, 400, badBody());
        if (url.pathname.startsWith('/api/invoke/')) {
          const channel = decodeURIComponent(url.pathname.slice('/api/invoke/'.length));
          const result = await handlers.dispatch(channel, reviveBytes(body), page.id);
          return reply(res, 200, 'application/json', JSON.stringify(result, encodeBytes));
        }
        return reply(res, 404, 'text/plain', 'not found');
      } finally {
        held.release();
      }
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return reply(res, 405, 'text/plain', 'GET only');
    // The raw path, not url.pathname: URL parsing would silently fold "/../" away and hide an attack.
    return serveStatic((req.url ?? '/').split('?')[0], res);
  }

  /**
   * A page's message on its socket: a DialogAnswer for one of its own dialogs. `{ id, path }`
   * answers it (null or '' cancels); `{ id, path, check: true }` only says which absolute path
   * that answer means, so the page can show it before anything is written. Each gets a
   * DialogReply; anything else is ignored.
   */
  function answerDialog(page: PageConnection, text: string): void {
    const message = parseJson(text) as Partial<DialogAnswer> | null | undefined;
    if (typeof message !== 'object' || message === null || typeof message.id !== 'string') return;
    const { id, path, check } = message;
    const replyWith = (result: IpcResult<string | null>) => {
      const reply: DialogReply = { id, ...result };
      sendTo(page, DIALOG_REPLY_EVENT, reply);
    };
    const dialog = pendingDialogs.get(id);
    if (!dialog || dialog.page !== page)
      return replyWith({
        ok: false,
        error: { code: 'forbidden', message: 'That dialog belongs to another page.' },
      });
    if (!(path === null || (typeof path === 'string' && path.length <= MAX_DIALOG_PATH)))
      return replyWith(badAnswer());
    const answer = typeof path === 'string' && path.trim() ? absoluteAnswer(path.trim()) : null;
    if (check !== true) {
      pendingDialogs.delete(id);
      dialog.resolvePath(answer);
    }
    replyWith({ ok: true, value: answer });
  }

  /** A WebSocket at EVENTS_PATH (its request already checked): a new page, told its secret first. */
  function openPage(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    sockets.accept(req, socket, head, (peer) => {
      const page: PageConnection = {
        id: randomUUID(),
        secret: randomBytes(24).toString('base64url'),
        socket: peer,
      };
      pages.set(page.id, page);
      pagesBySecret.set(page.secret, page);
      sendTo(page, PAGE_HELLO_EVENT, { secret: page.secret });
      return {
        onMessage: (text) => answerDialog(page, text),
        onClose: () => {
          pages.delete(page.id);
          pagesBySecret.delete(page.secret);
          // A page that goes away cancels its own dialogs, and only those.
          for (const [id, dialog] of pendingDialogs)
            if (dialog.page === page) {
              pendingDialogs.delete(id);
              dialog.resolvePath(null);
            }
        },
      };
    });
  }

  async function serveStatic(pathname: string, res: ServerResponse): Promise<void> {
    const found = await readStaticFile(options.rendererDir, pathname);
    if (found.status !== 200)
      return reply(res, found.status, 'text/plain', found.status === 403 ? 'forbidden' : 'not found');
    return reply(res, 200, mimeOf(found.file), found.body);
  }

  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolveListen());
  });
  port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    handlers,
    async close() {
      for (const dialog of pendingDialogs.values()) dialog.resolvePath(null);
      // Event sockets get a short grace to say goodbye, then are cut (see CLOSE_GRACE_MS):
      // a page that stopped reading cannot hold the server open.
      sockets.closeAll();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await handlers.close();
    },
  };
}

function reply(res: ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, {
    'Content-Type': type,
    'Cache-Control': 'no-store',
    'Content-Security-Policy': BROWSER_MODE_CSP_HEADER,
    'X-Frame-Options': 'DENY',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    ...CROSS_ORIGIN_ISOLATION,
  });
  res.end(body);
}

function replyJson(res: ServerResponse, status: number, value: unknown): void {
  reply(res, status, 'application/json', JSON.stringify(value));
}

/** The longest path a dialog answer may give. */
const MAX_DIALOG_PATH = 4096;

function badAnswer() {
  return {
    ok: false as const,
    error: {
      code: 'invalid-argument' as const,
      message: `A dialog answer is a path of at most ${MAX_DIALOG_PATH} characters, or null.`,
    },
  };
}

function badBody() {
  return { ok: false, error: { code: 'invalid-argument', message: 'The request body is not valid JSON.' } };
}

function busy() {
  return {
    ok: false,
    error: {
      code: 'too-large',
      message: `The app server is busy with other large requests (${MAX_BODIES_BYTES / 1024 / 1024} MiB at once): try again.`,
    },
  };
}

function tooLarge() {
  return {
    ok: false,
    error: {
      code: 'too-large',
      message: `The request is over the ${MAX_BODY_BYTES / 1024 / 1024} MiB limit of the app server.`,
    },
  };
}

/**
 * JSON has no bytes: a Uint8Array travels as `{ "$bytes": base64 }` both ways (see WIRE_BYTES_KEY).
 * The raw value is read from the holder: JSON.stringify hands a replacer a Buffer already turned
 * into `{type: 'Buffer', data}` by Buffer#toJSON (and main's file reads return Buffers).
 */
function encodeBytes(this: unknown, key: string, value: unknown): unknown {
  const raw = (this as Record<string, unknown>)[key];
  return raw instanceof Uint8Array ? { [WIRE_BYTES_KEY]: Buffer.from(raw).toString('base64') } : value;
}

/** Turns `{ "$bytes": base64 }` objects in a request body (a few levels deep) back into Uint8Arrays. */
export function reviveBytes(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object' || depth > 4) return value;
  if (Array.isArray(value)) return value.map((v) => reviveBytes(v, depth + 1));
  const keys = Object.keys(value);
  const encoded = (value as Record<string, unknown>)[WIRE_BYTES_KEY];
  if (keys.length === 1 && keys[0] === WIRE_BYTES_KEY && typeof encoded === 'string')
    return new Uint8Array(Buffer.from(encoded, 'base64'));
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const v = reviveBytes((value as Record<string, unknown>)[key], depth + 1);
    Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function readCookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

const TOO_LARGE = Symbol('too large');
const BUSY = Symbol('busy');

/**
 * The bytes of request bodies held at once, across requests: each request holds what it has
 * read (or, when it says its length, that much from its first byte) until it is answered.
 */
class BodyBudget {
  private held = 0;

  constructor(private readonly limit: number) {}

  /** A request's share: `take(n)` says whether n more bytes fit; `release()` gives all back. */
  hold(): { take(bytes: number): boolean; release(): void } {
    let mine = 0;
    return {
      take: (bytes) => {
        if (this.held + bytes > this.limit) return false;
        this.held += bytes;
        mine += bytes;
        return true;
      },
      release: () => {
        this.held -= mine;
        mine = 0;
      },
    };
  }
}
const ORIGIN_REQUIRED = { status: 403, text: 'origin required' };

/**
 * The body as JSON; undefined when it is not JSON, TOO_LARGE past MAX_BODY_BYTES, BUSY when
 * the bodies held at once would pass their limit. In both cases the rest is read and dropped,
 * so the client gets the answer, not a reset.
 */
async function readJsonBody(req: IncomingMessage, held: ReturnType<BodyBudget['hold']>): Promise<unknown> {
  const declared = Number(req.headers['content-length']);
  const known = Number.isSafeInteger(declared) && declared >= 0 && declared <= MAX_BODY_BYTES;
  let refusal: typeof TOO_LARGE | typeof BUSY | undefined =
    Number.isSafeInteger(declared) && declared > MAX_BODY_BYTES ? TOO_LARGE : undefined;
  if (!refusal && known && !held.take(declared)) refusal = BUSY;
  // Refused on its stated length: answered now (Node reads and drops the rest of the body).
  if (refusal) return refusal;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (!refusal && size > MAX_BODY_BYTES) refusal = TOO_LARGE;
    if (!refusal && !known && !held.take((chunk as Buffer).length)) refusal = BUSY;
    if (refusal) chunks.length = 0;
    else chunks.push(chunk as Buffer);
  }
  return refusal ?? parseJson(Buffer.concat(chunks).toString('utf8'));
}

/** The JSON value of `text`; undefined when it is not JSON. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
