import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Dialog, type Page } from '@playwright/test';
import { SAVE_CONFIRM_PREFIX } from '../../ipc/contract';
import {
  BROWSER_MODE_CSP_HEADER,
  CONTENT_SECURITY_POLICY,
  CROSS_ORIGIN_ISOLATION,
} from '../../main/services/csp';
import { answerNextPrompt } from './dialogs';
import { CHROMIUM_ARGS, CHROMIUM_PATH, expect, startAppServer, stopAppServer, test } from './fixtures';

const builtIndex = resolve(import.meta.dirname, '../../out/renderer/index.html');

test('the built index.html carries the strict CSP and loads no inline script', async ({ app, server }) => {
  const html = readFileSync(builtIndex, 'utf8');
  const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];
  expect(meta).toBe(CONTENT_SECURITY_POLICY);
  expect(meta).toMatch(/(^|; )default-src 'none'(;|$)/);
  expect(meta).toMatch(/(^|; )script-src 'self' 'wasm-unsafe-eval'(;|$)/);
  expect(meta).not.toMatch(/'unsafe-eval'|unsafe-inline|https?:|\*/);
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
  expect(res.headers()['content-security-policy']).toBe(BROWSER_MODE_CSP_HEADER);
  expect(BROWSER_MODE_CSP_HEADER.startsWith(CONTENT_SECURITY_POLICY)).toBe(true);
  // Cross-origin isolated (COOP + COEP), so the CPU workers can share WebAssembly memories.
  for (const [name, value] of Object.entries(CROSS_ORIGIN_ISOLATION))
    expect(res.headers()[name.toLowerCase()]).toBe(value);
  expect(await app.evaluate(() => crossOriginIsolated)).toBe(true);
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

test('the token never reaches a command line: Chromium opens a private redirect page that leads to the app', async ({
  browser,
}) => {
  // A stand-in for Chromium that records the command line it was given, as `ps` would show it.
  const bin = mkdtempSync(join(tmpdir(), 'ks-fake-chrome-'));
  const runtime = mkdtempSync(join(tmpdir(), 'ks-runtime-'));
  const argsFile = join(bin, 'args.txt');
  const recorder = join(bin, 'chromium');
  writeFileSync(recorder, `#!/bin/sh\nprintf '%s\\n' "$@" > '${argsFile}'\n`);
  chmodSync(recorder, 0o755);
  const server = await startAppServer([], { CHROME_PATH: recorder, XDG_RUNTIME_DIR: runtime });
  try {
    await expect.poll(() => existsSync(argsFile)).toBe(true);
    const args = readFileSync(argsFile, 'utf8').trim().split('\n');
    expect(args.join(' ')).not.toContain(server.token);
    const app = args.find((a) => a.startsWith('--app='))!.slice('--app='.length);
    expect(app).toMatch(/^file:\/\//);
    const launchPage = fileURLToPath(app);
    expect(dirname(dirname(launchPage))).toBe(runtime);
    expect(statSync(dirname(launchPage)).mode & 0o777).toBe(0o700);
    expect(statSync(launchPage).mode & 0o777).toBe(0o600);
    // The page it names takes a real Chromium to the app, logged in.
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(app);
    // Logged in by the cookie, the token then leaves the address bar (see server-link.spec.ts).
    await expect(page).toHaveURL(`${server.origin}/`);
    await expect(page.getByRole('toolbar', { name: 'Main toolbar' })).toBeVisible();
    await context.close();
  } finally {
    await stopAppServer(server);
    rmSync(bin, { recursive: true, force: true });
    rmSync(runtime, { recursive: true, force: true });
  }
});

test('a page on another local port cannot frame the app', async ({ app, server }) => {
  const evil = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end(`<!doctype html><iframe name="victim" src="${server.url}" width="800" height="600"></iframe>`);
  });
  await new Promise<void>((r) => evil.listen(0, '127.0.0.1', () => r()));
  try {
    const page = await app.context().newPage();
    const blocked = page.waitForEvent('console', (m) => /frame-ancestors|X-Frame-Options/.test(m.text()));
    await page.goto(`http://127.0.0.1:${(evil.address() as AddressInfo).port}/`);
    await blocked;
    const frame = page.frame({ name: 'victim' })!;
    await expect(frame.getByRole('toolbar', { name: 'Main toolbar' })).toHaveCount(0);
    await page.close();
  } finally {
    evil.close();
  }
});

// A page with a prompt open cannot answer the DevTools protocol until the prompt closes, so a click
// that opens a prompt the test holds open is sent with noWaitAfter: Playwright's check after a
// click ("waiting for scheduled navigations", a Page.enable round trip to that page) would wait
// for the prompt, and the test would hang. The other tab is in a second browser: a modal prompt
// pauses every page of its renderer process, and two pages of one browser may share one.
test('two tabs: Save As prompts only in the tab that asked, and cancelling in the other tab does not cancel it', async ({
  app,
  server,
}) => {
  const target = join(server.home, 'from-a.kstudio');
  const aDialogs = heldDialogs(app, 'tab A');
  const otherBrowser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  try {
    const other = await otherBrowser.newPage();
    await other.goto(server.url);
    await expect(other.getByRole('toolbar', { name: 'Main toolbar' })).toBeVisible();
    const bDialogs = heldDialogs(other, 'tab B');

    // A asks first and holds its prompt open.
    await app.getByRole('button', { name: 'Save As…' }).click({ noWaitAfter: true });
    const prompt = await aDialogs.next();
    expect(prompt.type()).toBe('prompt');

    // B saves too, and cancels its own prompt: only B's save ends.
    expect(bDialogs.seen).toEqual([]);
    await other.getByRole('button', { name: 'Save As…' }).click({ noWaitAfter: true });
    await (await bDialogs.next()).dismiss();
    await expect(other).toHaveTitle('Kernel Studio');
    // B asks again and goes away with its prompt open: that cancels B's dialog, not A's.
    await other.getByRole('button', { name: 'Save As…' }).click({ noWaitAfter: true });
    expect((await bDialogs.next()).type()).toBe('prompt');
    await otherBrowser.close();

    // A answers (a name relative to the home folder), confirms the absolute path it is shown, and saves.
    await prompt.accept('from-a.kstudio');
    const shown = await aDialogs.next();
    expect(shown.message()).toBe(`${SAVE_CONFIRM_PREFIX}\n${target}`);
    await shown.accept();
    await expect(app).toHaveTitle('from-a.kstudio — Kernel Studio');
    expect(JSON.parse(readFileSync(target, 'utf8'))).toMatchObject({ format: 'kernel-studio-workspace' });
    // Each tab only ever saw its own dialogs.
    expect(aDialogs.seen).toEqual([prompt.message(), shown.message()]);
    expect(bDialogs.seen).toHaveLength(2);
  } finally {
    await otherBrowser.close();
  }
});

test('seven tabs of one browser all work: their event sockets leave the six connections a browser gives a host free', async ({
  app,
  server,
}) => {
  const tabs = [app];
  while (tabs.length < 7) {
    const tab = await app.context().newPage();
    await tab.goto(server.url, { timeout: 30_000 });
    await expect(tab.getByRole('toolbar', { name: 'Main toolbar' })).toBeVisible();
    tabs.push(tab);
  }
  const last = tabs.at(-1)!;
  await saveAs(last, join(server.home, 'seventh.kstudio'));
  expect(JSON.parse(readFileSync(join(server.home, 'seventh.kstudio'), 'utf8'))).toMatchObject({
    format: 'kernel-studio-workspace',
  });
  // The first tab still reaches main too.
  await saveAs(app, join(server.home, 'first.kstudio'));
  expect(existsSync(join(server.home, 'first.kstudio'))).toBe(true);
});

/**
 * Every dialog of `page`, in order, left open for the test to answer: `next()` gives the next one
 * (or fails after the expect timeout); `seen` lists their messages. While this listener is on,
 * Playwright dismisses none of them by itself.
 */
function heldDialogs(page: Page, name: string): { next(): Promise<Dialog>; readonly seen: string[] } {
  const seen: string[] = [];
  const dialogs: Dialog[] = [];
  let taken = 0;
  page.on('dialog', (dialog) => {
    seen.push(dialog.message());
    dialogs.push(dialog);
  });
  return {
    seen,
    next: async () => {
      await expect
        .poll(() => dialogs.length, { message: `${name}: dialog ${taken + 1}` })
        .toBeGreaterThan(taken);
      return dialogs[taken++]!;
    },
  };
}

test('declining the absolute path shown before a save writes nothing', async ({ app, server }) => {
  const dialogs: string[] = [];
  const handler = (dialog: Dialog) => {
    dialogs.push(dialog.message());
    if (dialog.type() === 'prompt') void dialog.accept('declined.kstudio');
    else void dialog.dismiss();
  };
  app.on('dialog', handler);
  await app.getByRole('button', { name: 'Save As…' }).click();
  await expect.poll(() => dialogs.length).toBe(2);
  app.off('dialog', handler);
  expect(dialogs[1]).toBe(`${SAVE_CONFIRM_PREFIX}\n${join(server.home, 'declined.kstudio')}`);
  await expect(app).toHaveTitle('Kernel Studio');
  expect(existsSync(join(server.home, 'declined.kstudio'))).toBe(false);
  expect(existsSync(resolve('declined.kstudio'))).toBe(false);
});

test('a run log that cannot be written keeps the server up, is shown in the Train view, and catches up', async ({
  app,
  server,
}) => {
  // A file where the runs folder goes: every log write fails (what ENOSPC or EACCES would do).
  const runs = join(server.dataDir, 'runs');
  writeFileSync(runs, 'in the way');
  await app.getByRole('tab', { name: 'Train' }).click();
  await app.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(app.getByRole('status', { name: 'Training status' })).toHaveText(/^Done/);
  const problem = app.getByRole('alert').filter({ hasText: 'Could not write the loss log of run' });
  await expect(problem).toBeVisible();
  await expect(problem).toContainText('Its points are kept in memory and the write is retried.');
  expect(server.process.exitCode).toBeNull();
  // The server still answers: a save goes through.
  await saveAs(app, join(server.home, 'still-alive.kstudio'));
  expect(existsSync(join(server.home, 'still-alive.kstudio'))).toBe(true);
  // The obstacle goes: the retry writes the kept points and the message clears.
  rmSync(runs);
  await expect(problem).toHaveCount(0, { timeout: 40_000 });
  const runId = await app.locator('li[aria-current="true"]').getAttribute('data-run-id');
  const lines = readFileSync(join(runs, `${runId}.jsonl`), 'utf8')
    .trim()
    .split('\n');
  expect(lines.length).toBeGreaterThan(0);
  expect(server.process.exitCode).toBeNull();
});

async function saveAs(app: Page, path: string): Promise<void> {
  answerNextPrompt(app, path);
  await app.getByRole('button', { name: 'Save As…' }).click();
  await expect(app).toHaveTitle(`${basename(path)} — Kernel Studio`);
}

test('--port takes decimal only: 0x50 is refused, not read as port 80', async () => {
  await expect(startAppServer(['--no-open', '--port', '0x50'])).rejects.toThrow(
    /--port needs a number from 0 to 65535/,
  );
});
