import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AppInfo, FileKind } from '../../ipc/contract';
import { MAIN_EVENT_CHANNELS, WIRE_BYTES_KEY } from '../../ipc/contract';
import type { Dialogs } from '../services/context';
import { MainHandlers } from '../services/handlers';
import { MAX_TEXT_BYTES } from '../services/schemas';
import { mimeOf, resolveStaticPath } from '../services/static-files';
import { CONTENT_SECURITY_POLICY } from '../services/csp';

export interface BrowserServerOptions {
  rendererDir: string;
  dataDir: string;
  appInfo: AppInfo;
  /** 0 picks a free port. */
  port?: number;
  /** Fixed only in tests; a fresh random token per launch otherwise. */
  token?: string;
}

export interface BrowserServer {
  readonly url: string;
  readonly port: number;
  readonly token: string;
  readonly handlers: MainHandlers;
  close(): Promise<void>;
}

const TOKEN_COOKIE = 'ks_token';
const MAX_BODY_BYTES = MAX_TEXT_BYTES + 1024 * 1024;

/**
 * Kernel Studio without Electron: main's handlers behind a loopback-only HTTP
 * server. Every request must carry the per-launch token (query or cookie) and
 * come from our own origin and host name; events reach the page over SSE.
 */
export async function startBrowserServer(options: BrowserServerOptions): Promise<BrowserServer> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const eventStreams = new Set<ServerResponse>();
  const pendingDialogs = new Map<string, (path: string | null) => void>();

  const send = (event: string, payload: unknown): void => {
    const frame = `event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`;
    for (const stream of eventStreams) stream.write(frame);
  };

  /** The "native dialog" of browser mode: the page shows a path prompt and posts the answer back. */
  const askPage = (request: { mode: 'open' | 'save'; kind: FileKind; suggestedName?: string }) =>
    new Promise<string | null>((resolvePath) => {
      if (eventStreams.size === 0) return resolvePath(null);
      const id = randomUUID();
      pendingDialogs.set(id, resolvePath);
      send('dialog:request', { id, ...request });
    });

  const dialogs: Dialogs = {
    pickOpenPath: (kind) => askPage({ mode: 'open', kind }),
    pickSavePath: (kind, suggestedName) => askPage({ mode: 'save', kind, suggestedName }),
  };

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
    // DNS rebinding: only our own host names.
    if (!allowedHosts().has(req.headers.host ?? '')) return reply(res, 403, 'text/plain', 'bad host');
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins().has(origin))
      return reply(res, 403, 'text/plain', 'bad origin');
    const queryToken = url.searchParams.get('token');
    const presented = queryToken ?? readCookie(req, TOKEN_COOKIE);
    if (!presented || !sameSecret(presented, token)) return reply(res, 401, 'text/plain', 'token required');
    if (queryToken)
      res.setHeader('Set-Cookie', `${TOKEN_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`);

    if (url.pathname === '/api/events' && req.method === 'GET') return openEventStream(res);
    if (url.pathname.startsWith('/api/')) {
      if (req.method !== 'POST') return reply(res, 405, 'text/plain', 'POST only');
      if (origin === undefined) return reply(res, 403, 'text/plain', 'origin required');
      const body = await readJsonBody(req);
      if (body === undefined) return reply(res, 400, 'application/json', JSON.stringify(badBody()));
      if (url.pathname.startsWith('/api/invoke/')) {
        const channel = decodeURIComponent(url.pathname.slice('/api/invoke/'.length));
        const result = await handlers.dispatch(channel, reviveBytes(body));
        return reply(res, 200, 'application/json', JSON.stringify(result, encodeBytes));
      }
      if (url.pathname.startsWith('/api/dialog/')) {
        const resolvePath = pendingDialogs.get(url.pathname.slice('/api/dialog/'.length));
        const path = (body as { path?: unknown } | null)?.path;
        if (!resolvePath || !(path === null || (typeof path === 'string' && path.length <= 4096)))
          return reply(res, 400, 'application/json', JSON.stringify(badBody()));
        pendingDialogs.delete(url.pathname.slice('/api/dialog/'.length));
        resolvePath(path === '' ? null : path);
        return reply(res, 200, 'application/json', '{"ok":true}');
      }
      return reply(res, 404, 'text/plain', 'not found');
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return reply(res, 405, 'text/plain', 'GET only');
    // The raw path, not url.pathname: URL parsing would silently fold "/../" away and hide an attack.
    return serveStatic((req.url ?? '/').split('?')[0], res);
  }

  function openEventStream(res: ServerResponse): void {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
    });
    res.write(': connected\n\n');
    eventStreams.add(res);
    res.on('close', () => eventStreams.delete(res));
  }

  async function serveStatic(pathname: string, res: ServerResponse): Promise<void> {
    const file = resolveStaticPath(options.rendererDir, pathname);
    if (!file) return reply(res, 403, 'text/plain', 'forbidden');
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch {
      return reply(res, 404, 'text/plain', 'not found');
    }
    res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    return reply(res, 200, mimeOf(file), body);
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
      for (const resolvePath of pendingDialogs.values()) resolvePath(null);
      for (const stream of eventStreams) stream.end();
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
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
  });
  res.end(body);
}

function badBody() {
  return { ok: false, error: { code: 'invalid-argument', message: 'The request body is not valid JSON.' } };
}

/** JSON has no bytes: a Uint8Array travels as `{ "$bytes": base64 }` both ways (see WIRE_BYTES_KEY). */
function encodeBytes(_key: string, value: unknown): unknown {
  return value instanceof Uint8Array ? { [WIRE_BYTES_KEY]: Buffer.from(value).toString('base64') } : value;
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

async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}
