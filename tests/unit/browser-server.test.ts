import {
  mkdtempSync,
  rmSync,
  writeFileSync,
  mkdirSync,
  readFileSync,
  symlinkSync,
  existsSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type Socket } from 'node:net';
import { Agent, request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrowserServer, type BrowserServer } from '../../main/browser/server';
import { browserAppInfo } from '../../main/services/app-info';
import {
  DIALOG_REPLY_EVENT,
  DIALOG_REQUEST_EVENT,
  EVENTS_PATH,
  INVOKE_CHANNELS,
  PAGE_HEADER,
  PAGE_HELLO_EVENT,
  type DialogAnswer,
} from '../../ipc/contract';
import {
  encodeFrame,
  FrameReader,
  OPCODE,
  upgrade as upgradeAt,
  type Frame,
} from '../helpers/websocket-frames';

describe('browser-mode server', () => {
  let dir: string;
  let home: string;
  let server: BrowserServer;
  let origin: string;
  let cookie: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ks-server-'));
    home = join(dir, 'home');
    mkdirSync(home);
    const rendererDir = join(dir, 'renderer');
    mkdirSync(join(rendererDir, 'assets'), { recursive: true });
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Kernel Studio</title>');
    writeFileSync(join(rendererDir, 'assets', 'app.js'), 'export {};');
    writeFileSync(join(dir, 'secret.txt'), 'secret');
    // Links inside the renderer folder: to a file outside, to a file inside, to a folder.
    symlinkSync(join(dir, 'secret.txt'), join(rendererDir, 'outside.txt'));
    symlinkSync(join(rendererDir, 'index.html'), join(rendererDir, 'inside.html'));
    symlinkSync(dir, join(rendererDir, 'up'));
    server = await startBrowserServer({
      rendererDir,
      dataDir: join(dir, 'data'),
      appInfo: browserAppInfo(),
      homeDir: home,
    });
    origin = `http://127.0.0.1:${server.port}`;
    cookie = `ks_token_${server.port}=${server.token}`;
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const invoke = (channel: string, body: string, headers: Record<string, string>) =>
    fetch(`${origin}/api/invoke/${channel}`, { method: 'POST', headers, body });

  it('listens on loopback and prints a tokenised URL', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{32}$/);
  });

  it('refuses requests without the token', async () => {
    expect((await fetch(`${origin}/`)).status).toBe(401);
    expect((await fetch(`${origin}/?token=wrong`)).status).toBe(401);
    expect((await invoke(INVOKE_CHANNELS.getAppInfo, '[]', { Origin: origin })).status).toBe(401);
  });

  it('serves the page with the token and sets a session cookie named for its port', async () => {
    const res = await fetch(server.url);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Kernel Studio');
    expect(res.headers.get('set-cookie')).toMatch(
      new RegExp(`^ks_token_${server.port}=.+; HttpOnly; SameSite=Strict`),
    );
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
  });

  it('cannot be framed by another page: frame-ancestors and X-Frame-Options on every answer', async () => {
    const page = await openPage(server.port, cookie);
    for (const res of [
      await fetch(server.url),
      await fetch(`${origin}/`),
      await invoke(INVOKE_CHANNELS.getAppInfo, '[]', {
        Origin: origin,
        Cookie: cookie,
        [PAGE_HEADER]: page.secret,
      }),
    ]) {
      expect(res.headers.get('content-security-policy')).toMatch(/(^|; )frame-ancestors 'none'(;|$)/);
      expect(res.headers.get('x-frame-options')).toBe('DENY');
    }
    page.close();
  });

  it('refuses other origins, other sites on 127.0.0.1 and host names', async () => {
    const page = await openPage(server.port, cookie);
    const headers = { Cookie: cookie, [PAGE_HEADER]: page.secret };
    const foreign = await invoke(INVOKE_CHANNELS.getAppInfo, '[]', {
      ...headers,
      Origin: 'https://evil.example',
    });
    expect(foreign.status).toBe(403);
    expect((await invoke(INVOKE_CHANNELS.getAppInfo, '[]', headers)).status).toBe(403);
    // A page on another local port is the same *site*: the browser says so, and the API refuses it.
    const sameSite = await invoke(INVOKE_CHANNELS.getAppInfo, '[]', {
      ...headers,
      Origin: origin,
      'Sec-Fetch-Site': 'same-site',
    });
    expect(sameSite.status).toBe(403);
    expect(await rawGet(server.port, `/?token=${server.token}`, 'evil.example')).toBe(403);
    page.close();
  });

  it('answers 400 to a request with two Host headers', async () => {
    const twoHosts =
      `GET /?token=${server.token} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nHost: evil.example\r\n` +
      'Connection: close\r\n\r\n';
    expect(await rawRequest(server.port, twoHosts)).toMatch(/^HTTP\/1\.1 400 /);
    const oneHost = `GET /?token=${server.token} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nConnection: close\r\n\r\n`;
    expect(await rawRequest(server.port, oneHost)).toMatch(/^HTTP\/1\.1 200 /);
  });

  it('authorises no API call on the cookie alone: the page secret from its event stream is needed', async () => {
    const noPage = await invoke(INVOKE_CHANNELS.getAppInfo, '[]', { Origin: origin, Cookie: cookie });
    expect(noPage.status).toBe(401);
    const wrong = await invoke(INVOKE_CHANNELS.getAppInfo, '[]', {
      Origin: origin,
      Cookie: cookie,
      [PAGE_HEADER]: 'guessed',
    });
    expect(wrong.status).toBe(401);
    const page = await openPage(server.port, cookie);
    const headers = { Origin: origin, Cookie: cookie, [PAGE_HEADER]: page.secret };
    const ok = await invoke(INVOKE_CHANNELS.getAppInfo, '[]', headers);
    expect(await ok.json()).toMatchObject({ ok: true, value: { runtime: 'browser' } });
    const bad = await invoke(INVOKE_CHANNELS.readLoss, '[42]', headers);
    expect(await bad.json()).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
    page.close();
    // A page that is gone is no page.
    await expect.poll(async () => (await invoke(INVOKE_CHANNELS.getAppInfo, '[]', headers)).status).toBe(401);
  });

  it('says "too large", not "not valid JSON", for a 70 MiB body', async () => {
    const page = await openPage(server.port, cookie);
    // A fresh connection (a pooled one could meet the server's keep-alive timeout mid-upload).
    const answer = await rawPost(server.port, `/api/invoke/${INVOKE_CHANNELS.writeBackup}`, {
      Origin: origin,
      Cookie: cookie,
      [PAGE_HEADER]: page.secret,
      body: JSON.stringify(['x'.repeat(70 * 1024 * 1024)]),
    });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toMatchObject({ ok: false, error: { code: 'too-large' } });
    expect(existsSync(join(dir, 'data', 'autosave'))).toBe(false);
    page.close();
  });

  it('shows a dialog only to the page that asked; another page can neither see nor answer it', async () => {
    const a = await openPage(server.port, cookie);
    const b = await openPage(server.port, cookie);
    const headersOf = (page: Page) => ({ Origin: origin, Cookie: cookie, [PAGE_HEADER]: page.secret });
    const saving = invoke(
      INVOKE_CHANNELS.saveText,
      JSON.stringify([{ kind: 'workspace', suggestedName: 'a.kstudio', text: '{"a":1}' }]),
      headersOf(a),
    );
    const request = (await a.next(DIALOG_REQUEST_EVENT)) as { id: string; mode: string };
    expect(request).toMatchObject({ mode: 'save', kind: 'workspace', suggestedName: 'a.kstudio' });
    // B's stream hears nothing of it (a loss broadcast after it proves B's stream is live and in order).
    await invoke(
      INVOKE_CHANNELS.appendLoss,
      JSON.stringify([{ runId: 'r', points: [{ step: 1, loss: 1 }] }]),
      headersOf(b),
    );
    await b.next('runs:points');
    expect(b.events.map((e) => e.event)).not.toContain(DIALOG_REQUEST_EVENT);

    const answer = (page: Page, body: Omit<DialogAnswer, 'id'>) => page.ask({ id: request.id, ...body });
    // B cannot answer (or cancel) A's dialog, and trying leaves it open.
    const refused = { ok: false, error: { code: 'forbidden' } };
    expect(await answer(b, { path: join(dir, 'stolen.kstudio') })).toMatchObject(refused);
    expect(await answer(b, { path: null })).toMatchObject(refused);
    // A relative answer means the user's home folder, never the server's working directory.
    expect(await answer(a, { path: 'work/a.kstudio', check: true })).toEqual({
      id: request.id,
      ok: true,
      value: join(home, 'work', 'a.kstudio'),
    });
    expect(await answer(a, { path: '~/a.kstudio', check: true })).toMatchObject({
      ok: true,
      value: join(home, 'a.kstudio'),
    });
    expect(await answer(a, { path: 'x'.repeat(4097) })).toMatchObject({
      ok: false,
      error: { code: 'invalid-argument' },
    });
    expect(await answer(a, { path: '~/a.kstudio' })).toMatchObject({ ok: true });
    expect(await (await saving).json()).toEqual({
      ok: true,
      value: { path: join(home, 'a.kstudio'), name: 'a.kstudio' },
    });
    expect(readFileSync(join(home, 'a.kstudio'), 'utf8')).toBe('{"a":1}');
    expect(existsSync(join(dir, 'stolen.kstudio'))).toBe(false);
    // A closed page cancels its own dialog, and no other page's.
    const opening = invoke(INVOKE_CHANNELS.openWorkspace, '[]', headersOf(b));
    await b.next(DIALOG_REQUEST_EVENT);
    const saving2 = invoke(
      INVOKE_CHANNELS.saveText,
      JSON.stringify([{ kind: 'workspace', suggestedName: 'c.kstudio', text: '{}' }]),
      headersOf(a),
    );
    const second = (await a.next(DIALOG_REQUEST_EVENT)) as { id: string };
    b.close();
    expect(await (await opening).json()).toEqual({ ok: true, value: null });
    expect(await a.ask({ id: second.id, path: 'c.kstudio' })).toMatchObject({ ok: true });
    expect(await (await saving2).json()).toMatchObject({
      ok: true,
      value: { path: join(home, 'c.kstudio') },
    });
    a.close();
  });

  it('lets tabs hold their event sockets and dialogs while more requests than a browser has connections wait', async () => {
    // A browser gives one host six HTTP/1.1 connections for all its tabs: here, eight tabs'
    // sockets and eight held Save As requests, each answered while all of them wait.
    const agent = new Agent({ keepAlive: true, maxSockets: 6 });
    const tabs = await Promise.all(Array.from({ length: 8 }, () => openPage(server.port, cookie)));
    const saves = tabs.map((tab, i) =>
      rawPost(
        server.port,
        `/api/invoke/${INVOKE_CHANNELS.saveText}`,
        {
          Origin: origin,
          Cookie: cookie,
          [PAGE_HEADER]: tab.secret,
          body: JSON.stringify([{ kind: 'workspace', suggestedName: `t${i}.kstudio`, text: `{"t":${i}}` }]),
        },
        agent,
      ),
    );
    for (const [i, tab] of tabs.entries()) {
      const { id } = (await tab.next(DIALOG_REQUEST_EVENT)) as { id: string };
      expect(await tab.ask({ id, path: `t${i}.kstudio` })).toMatchObject({ ok: true });
    }
    for (const [i, save] of saves.entries()) {
      expect((await save).status).toBe(200);
      expect(readFileSync(join(home, `t${i}.kstudio`), 'utf8')).toBe(`{"t":${i}}`);
    }
    for (const tab of tabs) tab.close();
    agent.destroy();
  });

  it('opens an event socket only for our own origin with the token; a plain GET is told to upgrade', async () => {
    const refusedWith = async (headers: Record<string, string>) =>
      (await upgrade(server.port, headers).catch((e: Error) => e.message)) as string;
    expect(await refusedWith({ Cookie: cookie })).toMatch(/^403 /);
    expect(await refusedWith({ Cookie: cookie, Origin: 'http://127.0.0.1:1' })).toMatch(/^403 /);
    expect(await refusedWith({ Origin: origin })).toMatch(/^401 /);
    expect(await refusedWith({ Cookie: cookie, Origin: origin, 'Sec-Fetch-Site': 'same-site' })).toMatch(
      /^403 /,
    );
    const page = await openPage(server.port, cookie);
    expect(page.secret).toMatch(/^[A-Za-z0-9_-]{32}$/);
    page.close();
    expect(
      (await fetch(`${origin}${EVENTS_PATH}`, { headers: { Cookie: cookie, Origin: origin } })).status,
    ).toBe(426);
  });

  it('answers a ping with a pong and a close with a close; the page is gone then', async () => {
    const page = await openPage(server.port, cookie);
    const headers = { Origin: origin, Cookie: cookie, [PAGE_HEADER]: page.secret };
    page.send(OPCODE.ping, Buffer.from('are you there'));
    await expect
      .poll(() => page.controls.map((f) => [f.opcode, f.payload.toString()]))
      .toEqual([[OPCODE.pong, 'are you there']]);
    expect((await invoke(INVOKE_CHANNELS.getAppInfo, '[]', headers)).status).toBe(200);
    page.send(OPCODE.close, Buffer.from([0x03, 0xe8]));
    await expect.poll(() => page.controls.map((f) => f.opcode)).toEqual([OPCODE.pong, OPCODE.close]);
    expect((await invoke(INVOKE_CHANNELS.getAppInfo, '[]', headers)).status).toBe(401);
    page.close();
  });

  it('closes the socket of a page that sends an unmasked frame', async () => {
    for (const frame of [encodeFrame(OPCODE.text, Buffer.from('{}'), { masked: false })]) {
      const page = await openPage(server.port, cookie);
      const headers = { Origin: origin, Cookie: cookie, [PAGE_HEADER]: page.secret };
      page.socket.write(frame);
      await expect
        .poll(() => page.controls.map((f) => [f.opcode, f.payload.readUInt16BE()]))
        .toEqual([[OPCODE.close, 1002]]);
      expect((await invoke(INVOKE_CHANNELS.getAppInfo, '[]', headers)).status).toBe(401);
      page.close();
    }
  });

  it('does not serve files outside the renderer folder, nor follow links inside it', async () => {
    // Raw paths: fetch() would normalise the dots away before sending.
    for (const path of [
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/..%2fsecret.txt',
      '/assets/..%5c..%5csecret.txt',
      '/outside.txt',
      '/inside.html',
      '/up/secret.txt',
    ])
      expect(await rawGet(server.port, `${path}?token=${server.token}`)).toBe(403);
    expect(await rawGet(server.port, `/assets/app.js?token=${server.token}`)).toBe(200);
  });
});

interface Page {
  secret: string;
  events: { event: string; data: unknown }[];
  next(event: string): Promise<unknown>;
  /** Sends a dialog answer on the page's socket and waits for its reply. */
  ask(answer: DialogAnswer): Promise<unknown>;
  /** Control frames (ping, pong, close) the server sent. */
  controls: Frame[];
  /** Sends a frame as a browser would (masked). */
  send(opcode: number, payload: Buffer): void;
  socket: Socket;
  close(): void;
}

/** Opens the event socket the way a page does and reads its secret from the first event. */
async function openPage(port: number, cookie: string): Promise<Page> {
  const events: { event: string; data: unknown }[] = [];
  const controls: Frame[] = [];
  const waiters: (() => void)[] = [];
  let seen = 0;
  const socket = await upgrade(port, { Cookie: cookie, Origin: `http://127.0.0.1:${port}` });
  const reader = new FrameReader();
  socket.on('data', (chunk: Buffer) => {
    for (const frame of reader.push(chunk))
      if (frame.opcode !== OPCODE.text) controls.push(frame);
      else events.push(JSON.parse(frame.payload.toString('utf8')) as Page['events'][0]);
    for (const wake of waiters.splice(0)) wake();
  });
  socket.on('error', () => undefined);
  const next = async (event: string): Promise<unknown> => {
    for (;;) {
      const index = events.findIndex((e, i) => i >= seen && e.event === event);
      if (index >= 0) {
        seen = index + 1;
        return events[index]!.data;
      }
      await new Promise<void>((wake) => waiters.push(wake));
    }
  };
  const send = (opcode: number, payload: Buffer) => socket.write(encodeFrame(opcode, payload));
  const ask = (answer: DialogAnswer) => {
    send(OPCODE.text, Buffer.from(JSON.stringify(answer)));
    return next(DIALOG_REPLY_EVENT);
  };
  const hello = (await next(PAGE_HELLO_EVENT)) as { secret: string };
  return { secret: hello.secret, events, next, ask, controls, send, socket, close: () => socket.destroy() };
}

/** A WebSocket handshake at EVENTS_PATH: the socket, or an error "<status> <text>". */
const upgrade = (port: number, headers: Record<string, string>) => upgradeAt(port, EVENTS_PATH, headers);

/** A GET with the path and Host header sent exactly as given. */
function rawGet(port: number, path: string, host = `127.0.0.1:${port}`): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', headers: { Host: host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Sends bytes exactly as given and returns the raw answer. */
function rawRequest(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(text));
    let out = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (out += chunk));
    socket.on('end', () => resolve(out));
    socket.on('error', reject);
  });
}

/** A POST on its own connection (or through `agent`); `body` is sent as is. */
function rawPost(
  port: number,
  path: string,
  { body, ...headers }: Record<string, string> & { body: string },
  agent: Agent | false = false,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', agent, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}
