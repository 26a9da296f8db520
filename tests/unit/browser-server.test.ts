import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrowserServer, type BrowserServer } from '../../main/browser/server';
import { browserAppInfo } from '../../main/services/app-info';
import { INVOKE_CHANNELS } from '../../ipc/contract';

describe('browser-mode server', () => {
  let dir: string;
  let server: BrowserServer;
  let origin: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ks-server-'));
    const rendererDir = join(dir, 'renderer');
    mkdirSync(rendererDir);
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Kernel Studio</title>');
    writeFileSync(join(dir, 'secret.txt'), 'secret');
    server = await startBrowserServer({ rendererDir, dataDir: join(dir, 'data'), appInfo: browserAppInfo() });
    origin = `http://127.0.0.1:${server.port}`;
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('listens on loopback and prints a tokenised URL', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{32}$/);
  });

  it('refuses requests without the token', async () => {
    expect((await fetch(`${origin}/`)).status).toBe(401);
    expect((await fetch(`${origin}/?token=wrong`)).status).toBe(401);
    const invoke = await fetch(`${origin}/api/invoke/${INVOKE_CHANNELS.getAppInfo}`, {
      method: 'POST',
      headers: { Origin: origin },
      body: '[]',
    });
    expect(invoke.status).toBe(401);
  });

  it('serves the page with the token and sets a session cookie', async () => {
    const res = await fetch(server.url);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Kernel Studio');
    expect(res.headers.get('set-cookie')).toMatch(/^ks_token=.+; HttpOnly; SameSite=Strict/);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
  });

  it('refuses other origins and host names', async () => {
    const cookie = `ks_token=${server.token}`;
    const foreign = await fetch(`${origin}/api/invoke/${INVOKE_CHANNELS.getAppInfo}`, {
      method: 'POST',
      headers: { Origin: 'https://evil.example', Cookie: cookie },
      body: '[]',
    });
    expect(foreign.status).toBe(403);
    const noOrigin = await fetch(`${origin}/api/invoke/${INVOKE_CHANNELS.getAppInfo}`, {
      method: 'POST',
      headers: { Cookie: cookie },
      body: '[]',
    });
    expect(noOrigin.status).toBe(403);
    expect(await rawGet(server.port, `/?token=${server.token}`, 'evil.example')).toBe(403);
  });

  it('answers invokes from our origin with the handlers envelope', async () => {
    const headers = { Origin: origin, Cookie: `ks_token=${server.token}` };
    const ok = await fetch(`${origin}/api/invoke/${INVOKE_CHANNELS.getAppInfo}`, {
      method: 'POST',
      headers,
      body: '[]',
    });
    expect(await ok.json()).toMatchObject({ ok: true, value: { runtime: 'browser' } });
    const bad = await fetch(`${origin}/api/invoke/${INVOKE_CHANNELS.readLoss}`, {
      method: 'POST',
      headers,
      body: '[42]',
    });
    expect(await bad.json()).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
  });

  it('does not serve files outside the renderer folder', async () => {
    // Raw paths: fetch() would normalise the dots away before sending.
    for (const path of [
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/..%2fsecret.txt',
      '/assets/..%5c..%5csecret.txt',
    ])
      expect(await rawGet(server.port, `${path}?token=${server.token}`)).toBe(403);
  });
});

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
