import { _electron as electron, expect, test } from '@playwright/test';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { defaultDocument, serializeWorkspace } from '#core/workspace/index';
import { API_METHODS } from '../../ipc/contract';
// @ts-expect-error plain ESM helper without types
import { electronBinaryStatus } from '../../scripts/electron-binary.mjs';

const status = electronBinaryStatus() as { available: boolean; binary?: string; reason?: string };
test.skip(!status.available, `Electron launch tests skipped: ${status.reason ?? ''}`);

const root = resolve(import.meta.dirname, '../..');

test('the desktop app starts sandboxed, on app://, with exactly the contract API', async () => {
  const app = await electron.launch({
    executablePath: status.binary,
    args: [root, `--user-data-dir=${mkdtempSync(join(tmpdir(), 'ks-electron-'))}`],
  });
  const window = await app.firstWindow();
  await expect(window.getByRole('toolbar', { name: 'Main toolbar' })).toBeVisible();
  expect(window.url()).toMatch(/^app:\/\/kernel-studio\//);
  const exposed = await window.evaluate(() => ({
    keys: Object.keys((window as unknown as { api: object }).api).sort(),
    require: typeof (window as unknown as { require?: unknown }).require,
    process: typeof (window as unknown as { process?: unknown }).process,
  }));
  expect(exposed.keys).toEqual([...API_METHODS].sort());
  expect(exposed.require).toBe('undefined');
  expect(exposed.process).toBe('undefined');
  await expect(window.getByRole('status', { name: 'Status' })).toContainText('Desktop');
  await app.close();
});

async function launch(userDataDir: string) {
  const app = await electron.launch({
    executablePath: status.binary,
    args: [root, `--user-data-dir=${userDataDir}`],
  });
  const page = await app.firstWindow();
  await expect(page.getByRole('toolbar', { name: 'Main toolbar' })).toBeVisible();
  return { app, page };
}

test('navigation, new windows, permissions and app:// traversal are refused in the real app', async () => {
  const { app, page } = await launch(mkdtempSync(join(tmpdir(), 'ks-electron-')));
  expect(await page.evaluate(() => window.open('https://example.com/') === null)).toBe(true);
  expect(app.windows()).toHaveLength(1);
  await page.evaluate(() => {
    location.href = 'https://example.com/';
  });
  await page.waitForTimeout(500);
  expect(page.url()).toMatch(/^app:\/\/kernel-studio\//);
  expect(await page.evaluate(() => Notification.requestPermission())).toBe('denied');
  expect(
    await page.evaluate(async () => (await navigator.permissions.query({ name: 'geolocation' })).state),
  ).toBe('denied');
  const traversal = await page.evaluate(async () =>
    Promise.all(
      ['app://kernel-studio/%2E%2E%2Fmain%2Findex.js', 'app://kernel-studio/..%5Cmain%5Cindex.js'].map(
        async (url) => (await fetch(url)).status,
      ),
    ),
  );
  expect(traversal).toEqual([403, 403]);
  await app.close();
});

test('About shows the Electron and Chromium versions the app runs on', async () => {
  const { app, page } = await launch(mkdtempSync(join(tmpdir(), 'ks-electron-')));
  const versions = await app.evaluate(() => ({
    electron: process.versions.electron,
    chrome: process.versions.chrome,
  }));
  await page.getByRole('button', { name: 'About' }).click();
  const about = page.getByRole('dialog', { name: 'About Kernel Studio' });
  await expect(about.getByTestId('about-electron')).toHaveText(versions.electron!);
  await expect(about.getByTestId('about-chromium')).toHaveText(versions.chrome!);
  await expect(about.getByTestId('about-tfjs')).not.toBeEmpty();
  await app.close();
});

test('the window comes back with the size and position it was closed with', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ks-electron-'));
  const first = await launch(dataDir);
  const wanted = { x: 40, y: 60, width: 1000, height: 700 };
  await first.app.evaluate(
    ({ BrowserWindow }, bounds) => BrowserWindow.getAllWindows()[0]!.setBounds(bounds),
    wanted,
  );
  await first.app.close();
  const second = await launch(dataDir);
  const bounds = await second.app.evaluate(({ BrowserWindow }) =>
    BrowserWindow.getAllWindows()[0]!.getNormalBounds(),
  );
  expect(bounds).toEqual(wanted);
  await second.app.close();
});

test('a second launch with a workspace hands it to the running app and exits', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ks-electron-'));
  const { app, page } = await launch(dataDir);
  const workspace = join(dataDir, 'second.kstudio');
  writeFileSync(workspace, serializeWorkspace(defaultDocument()));
  const second = spawn(status.binary!, [root, `--user-data-dir=${dataDir}`, workspace], { stdio: 'ignore' });
  const code = await new Promise<number | null>((r) => second.once('exit', r));
  expect(code).toBe(0);
  await expect(page).toHaveTitle('second.kstudio — Kernel Studio');
  expect(app.windows()).toHaveLength(1);
  await app.close();
});
