import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { AppInfo, FileKind } from '../../ipc/contract';
import { MAIN_EVENT_CHANNELS, PAGE_HEADER, PAGE_HELLO_EVENT, WIRE_BYTES_KEY } from '../../ipc/contract';
import type { Dialogs } from '../services/context';
import { MainHandlers } from '../services/handlers';
import { MAX_TEXT_BYTES } from '../services/schemas';
import { mimeOf, readStaticFile } from '../services/static-files';
import { BROWSER_MODE_CSP_HEADER } from '../services/csp';

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

/**
 * One page (tab) of the app: it exists while its event stream is open. Its
 * secret arrives as the stream's first event, which only a script of our own
 * origin can read, and every API call must carry it in PAGE_HEADER: the cookie
 * alone (which the browser also sends from other local ports) authorises nothing.
 * A dialog belongs to the page whose call opened it; only that page sees and answers it.
 */
interface PageConnection {
  readonly id: string;
  readonly secret: string;
  readonly stream: ServerResponse;
}

interface PendingDialog {
  readonly page: PageConnection;
  readonly mode: 'open' | 'save';
  readonly resolvePath: (path: string | null) => void;
}

/**
 * Kernel Studio without Electron: main's handlers behind a loopback-only HTTP
 * server. Every request must carry the per-launch token (query or cookie) and
 * come from our own origin and host name; events reach the page over SSE.
 */
export async function startBrowserServer(options: BrowserServerOptions): Promise<BrowserServer> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const home = options.homeDir ?? homedir();
  /** Live pages by id and by secret. */
  const pages = new Map<string, PageConnection>();
  const pagesBySecret = new Map<string, PageConnection>();
  const pendingDialogs = new Map<string, PendingDialog>();

  const frame = (event: string, payload: unknown) => `event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`;
  const send = (event: string, payload: unknown): void => {
    for (const page of pages.values()) page.stream.write(frame(event, payload));
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
      page.stream.write(frame('dialog:request', { id, ...request }));
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
  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) reply(res, 500, 'text/plain', 'internal error');
      else res.end();
    });
  });

  const allowedHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const allowedOrigins = () => new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    // Node keeps only the first of several Host headers: a request with two is refused outright.
    if (req.rawHeaders.filter((_, i) => i % 2 === 0 && /^host$/i.test(req.rawHeaders[i]!)).length !== 1)
      return reply(res, 400, 'text/plain', 'exactly one Host header');
    // DNS rebinding: only our own host names.
    if (!allowedHosts().has(req.headers.host ?? '')) return reply(res, 403, 'text/plain', 'bad host');
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins().has(origin))
      return reply(res, 403, 'text/plain', 'bad origin');
    const queryToken = url.searchParams.get('token');
    const presented = queryToken ?? readCookie(req, tokenCookie(port));
    if (!presented || !sameSecret(presented, token)) return reply(res, 401, 'text/plain', 'token required');
    if (queryToken)
      res.setHeader('Set-Cookie', `${tokenCookie(port)}=${token}; HttpOnly; SameSite=Strict; Path=/`);

    if (url.pathname.startsWith('/api/')) {
      // Another site's page (another port on 127.0.0.1 is the same *site*) never reaches the API.
      const fetchSite = req.headers['sec-fetch-site'];
      if (fetchSite !== undefined && fetchSite !== 'same-origin')
        return reply(res, 403, 'text/plain', 'same-origin only');
    }
    if (url.pathname === '/api/events' && req.method === 'GET') return openEventStream(res);
    if (url.pathname.startsWith('/api/')) {
      if (req.method !== 'POST') return reply(res, 405, 'text/plain', 'POST only');
      if (origin === undefined) return reply(res, 403, 'text/plain', 'origin required');
      const pageSecret = req.headers[PAGE_HEADER.toLowerCase()];
      const page = typeof pageSecret === 'string' ? pagesBySecret.get(pageSecret) : undefined;
      if (!page) return reply(res, 401, 'text/plain', 'page secret required');
      const body = await readJsonBody(req);
      if (body === TOO_LARGE) return replyJson(res, 413, tooLarge());
      if (body === undefined) return replyJson(res, 400, badBody());
      if (url.pathname.startsWith('/api/invoke/')) {
        const channel = decodeURIComponent(url.pathname.slice('/api/invoke/'.length));
        const result = await handlers.dispatch(channel, reviveBytes(body), page.id);
        return reply(res, 200, 'application/json', JSON.stringify(result, encodeBytes));
      }
      if (url.pathname.startsWith('/api/dialog/')) return answerDialog(page, url.pathname, body, res);
      return reply(res, 404, 'text/plain', 'not found');
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return reply(res, 405, 'text/plain', 'GET only');
    // The raw path, not url.pathname: URL parsing would silently fold "/../" away and hide an attack.
    return serveStatic((req.url ?? '/').split('?')[0], res);
  }

  /**
   * `POST /api/dialog/<id>` from the page that owns the dialog: `{ path }` answers it
   * (null or '' cancels); `{ path, check: true }` only says which absolute path that
   * answer means, so the page can show it before anything is written.
   */
  function answerDialog(page: PageConnection, pathname: string, body: unknown, res: ServerResponse): void {
    const id = pathname.slice('/api/dialog/'.length);
    const dialog = pendingDialogs.get(id);
    if (!dialog || dialog.page !== page)
      return replyJson(res, 403, {
        ok: false,
        error: { code: 'forbidden', message: 'That dialog belongs to another page.' },
      });
    const { path, check } = (body ?? {}) as { path?: unknown; check?: unknown };
    if (!(path === null || (typeof path === 'string' && path.length <= 4096)))
      return replyJson(res, 400, badBody());
    const answer = typeof path === 'string' && path.trim() ? absoluteAnswer(path.trim()) : null;
    if (check === true) return replyJson(res, 200, { ok: true, value: answer });
    pendingDialogs.delete(id);
    dialog.resolvePath(answer);
    return replyJson(res, 200, { ok: true, value: answer });
  }

  function openEventStream(res: ServerResponse): void {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Content-Type-Options': 'nosniff',
    });
    const page: PageConnection = {
      id: randomUUID(),
      secret: randomBytes(24).toString('base64url'),
      stream: res,
    };
    pages.set(page.id, page);
    pagesBySecret.set(page.secret, page);
    res.write(frame(PAGE_HELLO_EVENT, { secret: page.secret }));
    res.on('close', () => {
      pages.delete(page.id);
      pagesBySecret.delete(page.secret);
      // A page that goes away cancels its own dialogs, and only those.
      for (const [id, dialog] of pendingDialogs)
        if (dialog.page === page) {
          pendingDialogs.delete(id);
          dialog.resolvePath(null);
        }
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
      for (const page of pages.values()) page.stream.end();
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
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
  });
  res.end(body);
}

function replyJson(res: ServerResponse, status: number, value: unknown): void {
  reply(res, status, 'application/json', JSON.stringify(value));
}

function badBody() {
  return { ok: false, error: { code: 'invalid-argument', message: 'The request body is not valid JSON.' } };
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

/**
 * The body as JSON; undefined when it is not JSON, TOO_LARGE past MAX_BODY_BYTES
 * (the rest is read and dropped, so the client gets the answer, not a reset).
 */
async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk as Buffer);
    else chunks.length = 0;
  }
  if (size > MAX_BODY_BYTES) return TOO_LARGE;
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}
