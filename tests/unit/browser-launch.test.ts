import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { chromiumArgs, writeLaunchPage } from '../../main/browser/launch';

describe('browser-mode launch', () => {
  const runtime = mkdtempSync(join(tmpdir(), 'ks-runtime-'));
  afterAll(() => rmSync(runtime, { recursive: true, force: true }));
  const appUrl = 'http://127.0.0.1:8123/?token=SECRET_token-123';

  it('opens the browser on a private redirect page: the token is in a 0600 file in a 0700 folder', () => {
    const page = writeLaunchPage(appUrl, { XDG_RUNTIME_DIR: runtime });
    const file = fileURLToPath(page.url);
    expect(file).toBe(page.file);
    expect(dirname(dirname(file))).toBe(runtime);
    expect(statSync(dirname(file)).mode & 0o777).toBe(0o700);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toContain(`<meta http-equiv="refresh" content="0;url=${appUrl}">`);
    expect(page.url).not.toContain('SECRET');
    page.dispose();
    expect(existsSync(dirname(file))).toBe(false);
  });

  it('puts no token on the browser command line', () => {
    const page = writeLaunchPage(appUrl, { XDG_RUNTIME_DIR: runtime });
    const args = chromiumArgs(page.url, join(runtime, 'profile'));
    expect(args).toContain(`--app=${page.url}`);
    expect(args.join(' ')).not.toContain('SECRET');
    expect(args.join(' ')).not.toContain('token');
    page.dispose();
  });
});
