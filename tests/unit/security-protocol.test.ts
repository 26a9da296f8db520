import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appProtocolResponse } from '../../main/services/app-protocol';
import { CONTENT_SECURITY_POLICY, CROSS_ORIGIN_ISOLATION } from '../../main/services/csp';

/**
 * The app:// handler main registers (main/protocol.ts calls exactly this), run on real
 * files: a renderer folder with a secret file beside it that no URL may reach.
 */
let root: string;
let renderer: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'ks-protocol-'));
  renderer = join(root, 'renderer');
  mkdirSync(join(renderer, 'assets'), { recursive: true });
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>ok</title>');
  writeFileSync(join(renderer, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(root, 'secret.txt'), 'TOP SECRET');
  mkdirSync(join(root, 'renderer-evil'));
  writeFileSync(join(root, 'renderer-evil', 'x.js'), 'TOP SECRET');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const get = (url: string, method = 'GET'): Promise<Response> =>
  appProtocolResponse(renderer, new Request(url, { method }));

describe('app:// protocol', () => {
  it('serves the renderer with its type and the CSP header', async () => {
    const page = await get('app://kernel-studio/index.html');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>ok</title>');
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    for (const [name, value] of Object.entries(CROSS_ORIGIN_ISOLATION))
      expect(page.headers.get(name)).toBe(value);
    const root = await get('app://kernel-studio/');
    expect(await root.text()).toContain('<title>ok</title>');
    const script = await get('app://kernel-studio/assets/app.js');
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
  });

  it.each([
    'app://kernel-studio/%2E%2E%2Fsecret.txt',
    'app://kernel-studio/assets/..%2f..%2fsecret.txt',
    'app://kernel-studio/..%5csecret.txt',
    'app://kernel-studio/%2e%2e%2frenderer-evil/x.js',
    'app://kernel-studio/%2F%2Fetc%2Fpasswd%2F..',
    'app://kernel-studio/C:%5CWindows%5Cwin.ini',
    'app://kernel-studio/index.html%00.js',
  ])('refuses %s with 403, never the file behind it', async (url) => {
    const res = await get(url);
    expect(res.status).toBe(403);
    expect(await res.text()).not.toContain('TOP SECRET');
  });

  it('never reaches outside the folder, even where URL parsing removes the dots first', async () => {
    // new URL() resolves literal ../ before the handler sees it: it stays inside the root.
    for (const url of ['app://kernel-studio/../secret.txt', 'app://kernel-studio/assets/../../secret.txt']) {
      const res = await get(url);
      expect(res.status).toBe(404);
      expect(await res.text()).not.toContain('TOP SECRET');
    }
    // So does an encoded dot segment followed by a real slash (WHATWG and Chromium's GURL alike).
    const encoded = await get('app://kernel-studio/%2e%2e/secret.txt');
    expect(new URL('app://kernel-studio/%2e%2e/secret.txt').pathname).toBe('/secret.txt');
    expect(encoded.status).toBe(404);
    expect(await encoded.text()).not.toContain('TOP SECRET');
    // An absolute path in the URL is just a path under the root.
    const abs = await get(`app://kernel-studio/${join(root, 'secret.txt')}`);
    expect(abs.status).toBe(404);
  });

  it('answers only our host and only GET/HEAD', async () => {
    expect((await get('app://other-host/index.html')).status).toBe(404);
    expect((await get('app://kernel-studio/index.html', 'POST')).status).toBe(405);
    const head = await get('app://kernel-studio/index.html', 'HEAD');
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    expect((await get('app://kernel-studio/missing.js')).status).toBe(404);
  });

  it('is what main/protocol.ts serves, and main never loads file://', async () => {
    const { readFileSync } = await import('node:fs');
    expect(readFileSync('main/protocol.ts', 'utf8')).toMatch(
      /protocol\.handle\(APP_SCHEME, \(request\) => appProtocolResponse\(rendererDir, request\)\)/,
    );
    const main = readFileSync('main/index.ts', 'utf8');
    expect(main).toMatch(/loadURL\(APP_URL\)/);
    expect(main).not.toMatch(/loadFile\(|file:\/\//);
  });
});
