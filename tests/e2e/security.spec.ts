import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CONTENT_SECURITY_POLICY } from '../../main/services/csp';
import { expect, test } from './fixtures';

const builtIndex = resolve(import.meta.dirname, '../../out/renderer/index.html');

test('the built index.html carries the strict CSP and loads no inline script', async ({ app, server }) => {
  const html = readFileSync(builtIndex, 'utf8');
  const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];
  expect(meta).toBe(CONTENT_SECURITY_POLICY);
  expect(meta).toMatch(/(^|; )default-src 'none'(;|$)/);
  expect(meta).toMatch(/(^|; )script-src 'self'(;|$)/);
  expect(meta).not.toMatch(/unsafe-eval|unsafe-inline|https?:|\*/);
  // Every script is a file from our origin; no inline code, no inline handlers.
  const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
  expect(scripts.length).toBeGreaterThan(0);
  for (const [, attrs, body] of scripts) {
    expect(attrs).toMatch(/\bsrc="\.?\/[^"]+"/);
    expect(body!.trim()).toBe('');
  }
  expect(html).not.toMatch(/\son[a-z]+="/);
  // The page that is served is that file, with the same policy as a header.
  const res = await app.request.get(server.url);
  expect(res.headers()['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
  expect(await app.evaluate(() => typeof (window as unknown as { require?: unknown }).require)).toBe(
    'undefined',
  );
});

test('after a renderer crash, the reload main asks for (?recovered=1) restores the autosaved work', async ({
  app,
  server,
}) => {
  const k = app.getByRole('grid', { name: 'Kernel K', exact: true });
  const readK = (): Promise<string[]> =>
    k.getByRole('gridcell').evaluateAll((cells) => cells.map((c) => c.getAttribute('aria-label') ?? ''));
  const original = await readK();
  await app
    .getByRole('group', { name: 'Kernel K', exact: true })
    .getByRole('button', { name: 'Invert' })
    .click();
  await expect.poll(readK).not.toEqual(original);
  const edited = await readK();
  await expect(app).toHaveTitle('• Untitled — Kernel Studio');
  const backups = resolve(server.dataDir, 'autosave');
  await expect
    .poll(() => existsSync(backups) && readdirSync(backups).some((n) => n.endsWith('.kstudio')))
    .toBe(true);

  // A real renderer crash (the tab's process dies), as Electron reports in render-process-gone.
  const crashed = app.waitForEvent('crash');
  const cdp = await app.context().newCDPSession(app);
  void cdp.send('Page.crash').catch(() => undefined);
  await crashed;

  const reloaded = await app.context().newPage();
  await reloaded.goto(`${server.url}&recovered=1`);
  const kAfter = reloaded.getByRole('grid', { name: 'Kernel K', exact: true });
  await expect
    .poll(() =>
      kAfter.getByRole('gridcell').evaluateAll((cells) => cells.map((c) => c.getAttribute('aria-label'))),
    )
    .toEqual(edited);
  // Restored work is unsaved work.
  await expect(reloaded).toHaveTitle('• Untitled — Kernel Studio');
  await reloaded.close();
});
