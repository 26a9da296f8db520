import { _electron as electron, expect, test } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
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
