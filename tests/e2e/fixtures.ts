import { test as base, chromium, type Browser, type Page } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** Chromium as the machine facts say: the system binary, WebGPU on, no background chatter. */
export const CHROMIUM_PATH = process.env.CHROME_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export interface AppServer {
  url: string;
  origin: string;
  token: string;
  dataDir: string;
  /** The server's home folder ($HOME): relative answers to path prompts land here. */
  home: string;
  process: ChildProcess;
}

const repoRoot = resolve(import.meta.dirname, '../..');

/**
 * Starts `node out/main/browser.js --no-open` (what `npm run start:browser` runs) and reads the URL
 * it prints. Its data folder and its home folder are temp folders of the test.
 */
export async function startAppServer(
  args: readonly string[] = ['--no-open'],
  env: NodeJS.ProcessEnv = {},
): Promise<AppServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ks-e2e-'));
  const home = join(dataDir, 'home');
  mkdirSync(home);
  const child = spawn(process.execPath, [join(repoRoot, 'out/main/browser.js'), ...args], {
    env: { ...process.env, KERNEL_STUDIO_DATA_DIR: dataDir, HOME: home, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await new Promise<string>((resolveUrl, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 20_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /Kernel Studio running at (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolveUrl(match[1]);
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('exit', (code) => reject(new Error(`server exited with ${code}: ${out}`)));
  });
  const parsed = new URL(url);
  return {
    url,
    origin: parsed.origin,
    token: parsed.searchParams.get('token')!,
    dataDir,
    home,
    process: child,
  };
}

export async function stopAppServer(server: AppServer): Promise<void> {
  await new Promise<void>((r) => {
    server.process.once('exit', () => r());
    server.process.kill('SIGTERM');
  });
  rmSync(server.dataDir, { recursive: true, force: true });
}

interface Fixtures {
  server: AppServer;
  app: Page;
}
interface WorkerFixtures {
  browser: Browser;
}

/**
 * `app` is a page on a fresh browser-mode server, with a fresh data folder.
 * Set `localStorage['kernel-studio.backend']` through `appWithBackend` to force a backend.
 */
export const test = base.extend<Fixtures, WorkerFixtures>({
  browser: [
    async ({}, use) => {
      const browser = await chromium.launch({
        executablePath: CHROMIUM_PATH,
        args: CHROMIUM_ARGS,
        headless: true,
      });
      await use(browser);
      await browser.close();
    },
    { scope: 'worker' },
  ],
  server: async ({}, use) => {
    const server = await startAppServer();
    await use(server);
    await stopAppServer(server);
  },
  app: async ({ browser, server }, use) => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(server.url);
    await use(page);
    await context.close();
    if (errors.length) throw new Error(`uncaught errors in the page: ${errors.join(' | ')}`);
  },
});

export { expect } from '@playwright/test';
