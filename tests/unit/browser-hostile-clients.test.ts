/**
 * Browser mode's server against clients that stall: silent connections, pages that stop reading,
 * pongs never read, many large bodies at once, and a stop while a page has unread data. Real
 * sockets on loopback against the real server (in this process, and spawned as `start:browser`
 * runs it). Bounds are generous: "closed within 10 s" for a 3 s limit.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENTS_PATH, INVOKE_CHANNELS, PAGE_HEADER, PAGE_HELLO_EVENT } from '../../ipc/contract';
import { FIRST_REQUEST_MS, MAX_SILENT_CONNECTIONS } from '../../main/browser/connections';
import { MAX_BODIES_BYTES, MAX_PAGES, type BrowserServer } from '../../main/browser/server';
import { MAX_PAGE_BUFFERED_BYTES } from '../../main/browser/websocket';
import { encodeFrame, FrameReader, OPCODE, upgrade } from '../helpers/websocket-frames';
import { startTempBrowserServer, type TempBrowserServer } from '../helpers/browser-server';

const root = resolve(import.meta.dirname, '../..');
/** A loss batch of the most points one call may carry: about 3 MB of JSON, sent back as an event. */
const bigBatch = (runId: string) =>
  JSON.stringify([
    {
      runId,
      points: Array.from({ length: 100_000 }, (_, i) => ({ step: i + 1, loss: 0.1234567890123 + i })),
    },
  ]);

interface RawPage {
  secret: string;
  socket: Socket;
}

/** A page's event socket that reads its hello, then stops reading (as a tab frozen by a prompt). */
async function stalledPage(port: number, token: string): Promise<RawPage> {
  const socket = await upgrade(port, EVENTS_PATH, {
    Cookie: `ks_token_${port}=${token}`,
    Origin: `http://127.0.0.1:${port}`,
  });
  socket.on('error', () => undefined);
  const reader = new FrameReader();
  const hello = await new Promise<{ event: string; data: { secret: string } }>((resolveHello) => {
    const onData = (chunk: Buffer) => {
      const [frame] = reader.push(chunk);
      if (!frame) return;
      socket.off('data', onData);
      socket.pause();
      resolveHello(JSON.parse(frame.payload.toString()) as { event: string; data: { secret: string } });
    };
    socket.on('data', onData);
  });
  expect(hello.event).toBe(PAGE_HELLO_EVENT);
  return { secret: hello.data.secret, socket };
}

/** An API call; its HTTP status. */
async function call(port: number, token: string, secret: string, channel: string, body: string) {
  const res = await fetch(`http://127.0.0.1:${port}/api/invoke/${channel}`, {
    method: 'POST',
    headers: {
      Origin: `http://127.0.0.1:${port}`,
      Cookie: `ks_token_${port}=${token}`,
      [PAGE_HEADER]: secret,
      Connection: 'close',
    },
    body,
  });
  await res.arrayBuffer();
  return res.status;
}

/** A raw connection to the server; `closed()` says whether the server has closed it. */
function rawConnection(port: number, send?: string): Promise<{ socket: Socket; closed(): boolean }> {
  return new Promise((resolveSocket, reject) => {
    let closed = false;
    const socket = connect(port, '127.0.0.1', () => {
      if (send) socket.write(send);
      resolveSocket({ socket, closed: () => closed });
    });
    socket.on('close', () => (closed = true));
    socket.on('error', reject);
    socket.resume();
  });
}

describe('browser-mode server against stalling clients', () => {
  let temp: TempBrowserServer;
  let server: BrowserServer;

  beforeAll(async () => {
    temp = await startTempBrowserServer('ks-hostile-');
    server = temp.server;
  });
  afterAll(() => temp.close());

  const getAppInfo = (secret: string) =>
    call(server.port, server.token, secret, INVOKE_CHANNELS.getAppInfo, '[]');

  it('closes a connection that sends nothing, or never finishes its headers, within seconds', async () => {
    const silent = await rawConnection(server.port);
    const slow = await rawConnection(server.port, `GET / HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n`);
    const bound = FIRST_REQUEST_MS + 7000;
    await expect.poll(() => silent.closed() && slow.closed(), { timeout: bound, interval: 200 }).toBe(true);
  });

  it('refuses a client without the token and closes its connection', async () => {
    const raw = await rawConnection(server.port, `GET / HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n\r\n`);
    let answer = '';
    raw.socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
    await expect.poll(raw.closed, { timeout: 10_000 }).toBe(true);
    expect(answer).toMatch(/^HTTP\/1\.1 401 /);
    expect(answer).toMatch(/\r\nConnection: close\r\n/i);
  });

  it('cuts a page that stops reading its events, before they pile up', async () => {
    const page = await stalledPage(server.port, server.token);
    // Its own loss points come back to it as events it does not read.
    for (let i = 0, sent = 0; sent < 4 * MAX_PAGE_BUFFERED_BYTES; i++) {
      // A run of its own per batch: every point is logged and sent, none dropped as a repeat.
      const batch = bigBatch(`stalled-${i}`);
      if ((await call(server.port, server.token, page.secret, INVOKE_CHANNELS.appendLoss, batch)) === 401)
        break;
      sent += batch.length;
    }
    expect(await getAppInfo(page.secret)).toBe(401);
    page.socket.destroy();
  });

  it('cuts a page that sends pings and never reads the pongs', async () => {
    const page = await stalledPage(server.port, server.token);
    const ping = encodeFrame(OPCODE.ping, Buffer.alloc(125, 0x70));
    const burst = Buffer.concat(Array.from({ length: 1000 }, () => ping));
    // Up to 64 MB of pings (as many bytes of pongs): the server must give up on this page first.
    for (let i = 0; i * burst.length < 64 * 1024 * 1024 && !page.socket.destroyed; i++) {
      if (!page.socket.write(burst)) await new Promise((r) => page.socket.once('drain', r).once('close', r));
      if (i % 16 === 15 && (await getAppInfo(page.secret)) === 401) break;
    }
    expect(await getAppInfo(page.secret)).toBe(401);
    page.socket.destroy();
  });

  it('opens at most MAX_PAGES event sockets, and a new one once one closes', async () => {
    const pages = await Promise.all(
      Array.from({ length: MAX_PAGES }, () => stalledPage(server.port, server.token)),
    );
    const headers = {
      Cookie: `ks_token_${server.port}=${server.token}`,
      Origin: `http://127.0.0.1:${server.port}`,
    };
    const refused = await upgrade(server.port, EVENTS_PATH, headers).catch((e: Error) => e.message);
    expect(refused).toMatch(/^503 /);
    pages.pop()!.socket.destroy();
    await expect
      .poll(async () => pages.push(await stalledPage(server.port, server.token)), { timeout: 10_000 })
      .toBe(MAX_PAGES);
    for (const page of pages) page.socket.destroy();
  });

  it('answers 503 to bodies past what the server holds at once, instead of buffering them all', async () => {
    const page = await stalledPage(server.port, server.token);
    const size = 60 * 1024 * 1024;
    const count = Math.floor(MAX_BODIES_BYTES / size) + 2;
    // Each request says its length and sends nothing more yet: the server holds room for it.
    const answers: string[] = Array.from({ length: count }, () => '');
    const requests = await Promise.all(
      Array.from({ length: count }, (_, i) =>
        rawConnection(
          server.port,
          `POST /api/invoke/${INVOKE_CHANNELS.writeBackup} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n` +
            `Origin: http://127.0.0.1:${server.port}\r\nCookie: ks_token_${server.port}=${server.token}\r\n` +
            `${PAGE_HEADER}: ${page.secret}\r\nContent-Type: application/json\r\nContent-Length: ${size}\r\n\r\n`,
        ).then((c) => {
          c.socket.setEncoding('utf8');
          c.socket.on('data', (text: string) => (answers[i] += text));
          return c;
        }),
      ),
    );
    await expect
      .poll(() => answers.filter((a) => a.startsWith('HTTP/1.1 503 ')).length, { timeout: 10_000 })
      .toBe(count - Math.floor(MAX_BODIES_BYTES / size));
    expect(answers.filter((a) => a !== '').every((a) => a.includes('"too-large"'))).toBe(true);
    for (const r of requests) r.socket.destroy();
    // Their room is given back: a normal call goes through.
    await expect.poll(() => getAppInfo(page.secret), { timeout: 10_000 }).toBe(200);
    page.socket.destroy();
  });
});

describe('browser-mode server under a flood of silent connections', () => {
  it('keeps at most MAX_SILENT_CONNECTIONS (the newest), and serves pages and new pages meanwhile', async () => {
    // Silent connections may stay a minute here: only the cap can close them during the test.
    const temp = await startTempBrowserServer('ks-flood-', { firstRequestMs: 60_000 });
    const { server } = temp;
    try {
      const page = await stalledPage(server.port, server.token);
      const flood: Awaited<ReturnType<typeof rawConnection>>[] = [];
      for (let i = 0; i < 4 * MAX_SILENT_CONNECTIONS; i++) flood.push(await rawConnection(server.port));
      const open = () => flood.filter((c) => !c.closed());
      await expect.poll(() => open().length, { timeout: 10_000 }).toBe(MAX_SILENT_CONNECTIONS);
      expect(open()).toEqual(flood.slice(-MAX_SILENT_CONNECTIONS));
      const getAppInfo = (secret: string) =>
        call(server.port, server.token, secret, INVOKE_CHANNELS.getAppInfo, '[]');
      expect(await getAppInfo(page.secret)).toBe(200);
      const another = await stalledPage(server.port, server.token);
      expect(await getAppInfo(another.secret)).toBe(200);
      for (const c of flood) c.socket.destroy();
      page.socket.destroy();
      another.socket.destroy();
    } finally {
      await temp.close();
    }
  });
});

describe('stopping browser mode', () => {
  it('exits within seconds of SIGTERM while a page has unread events', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ks-stop-'));
    // `npm run start:browser` runs the built file; the same entry, from source.
    const child = spawn(
      process.execPath,
      ['--import', 'jiti/register', join(root, 'main/browser/index.ts'), '--no-open'],
      { cwd: root, env: { ...process.env, KERNEL_STUDIO_DATA_DIR: dataDir, HOME: dataDir }, stdio: 'pipe' },
    );
    let exited = false;
    child.on('exit', () => (exited = true));
    try {
      const url = await new Promise<URL>((resolveUrl, reject) => {
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const match = /running at (\S+)/.exec(out);
          if (match) resolveUrl(new URL(match[1]!));
        });
        child.on('exit', (code) => reject(new Error(`server exited (${code}): ${out}`)));
      });
      const port = Number(url.port);
      const token = url.searchParams.get('token')!;
      const page = await stalledPage(port, token);
      // Events past what the kernel's socket buffers take (about 4 MB on loopback), and under
      // what the server allows a page before it cuts it: they wait in the server.
      for (let i = 0; i < 2; i++)
        expect(
          await call(port, token, page.secret, INVOKE_CHANNELS.appendLoss, bigBatch(`unread-${i}`)),
        ).toBe(200);
      // The page is still there (not cut for not reading): its events wait for it.
      expect(await call(port, token, page.secret, INVOKE_CHANNELS.getAppInfo, '[]')).toBe(200);
      child.kill('SIGTERM');
      await expect.poll(() => exited, { timeout: 10_000, interval: 100 }).toBe(true);
      page.socket.destroy();
    } finally {
      if (!exited) child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
