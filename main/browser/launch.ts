import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';

const CANDIDATES: Record<string, string[]> = {
  linux: ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable', 'microsoft-edge'],
  darwin: [
    '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
    '/Applications/Chromium.app/Contents/MacOS/Chromium',
    '/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge',
  ],
  win32: [
    join(process.env.PROGRAMFILES ?? 'C:\\Program Files', 'Google\\Chrome\\Application\\chrome.exe'),
    join(
      process.env['PROGRAMFILES(X86)'] ?? 'C:\\Program Files (x86)',
      'Microsoft\\Edge\\Application\\msedge.exe',
    ),
  ],
};

/** Finds a Chromium-family browser: $CHROME_PATH first, then the usual names and places. */
export function findChromium(env = process.env, platform = process.platform): string | null {
  if (env.CHROME_PATH && existsSync(env.CHROME_PATH)) return env.CHROME_PATH;
  for (const candidate of CANDIDATES[platform] ?? []) {
    if (candidate.includes('/') || candidate.includes('\\')) {
      if (existsSync(candidate)) return candidate;
      continue;
    }
    for (const dir of (env.PATH ?? '').split(delimiter)) {
      const full = join(dir, candidate);
      if (dir && existsSync(full)) return full;
    }
  }
  return null;
}

export interface LaunchPage {
  /** The `file://` URL to hand the browser: no secret in it. */
  readonly url: string;
  readonly file: string;
  /** Deletes the page and its folder (when the server stops). */
  dispose(): void;
}

/**
 * The page the browser opens first: a redirect to the tokenised address, in a
 * fresh private folder (0700, the file 0600) under $XDG_RUNTIME_DIR or the temp
 * folder. Only its path goes on the browser's command line, which every local
 * user can read (`ps`); the token stays in a file only this user can read.
 * Jupyter opens its browser the same way.
 */
export function writeLaunchPage(appUrl: string, env = process.env): LaunchPage {
  const base = env.XDG_RUNTIME_DIR && existsSync(env.XDG_RUNTIME_DIR) ? env.XDG_RUNTIME_DIR : tmpdir();
  const dir = mkdtempSync(join(base, 'kernel-studio-'));
  chmodSync(dir, 0o700);
  const file = join(dir, 'open.html');
  const href = escapeAttribute(appUrl);
  writeFileSync(
    file,
    `<!doctype html>\n<meta charset="utf-8">\n<meta http-equiv="refresh" content="0;url=${href}">\n` +
      `<title>Kernel Studio</title>\n<p>Opening <a href="${href}">Kernel Studio</a>…</p>\n`,
    { mode: 0o600, flag: 'wx' },
  );
  return {
    url: pathToFileURL(file).href,
    file,
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * The flags the app window needs: app mode on `launchUrl` (the launch page, never
 * the tokenised address), its own profile, WebGPU on, no background chatter.
 */
export function chromiumArgs(launchUrl: string, profileDir: string): string[] {
  return [
    `--app=${launchUrl}`,
    `--user-data-dir=${profileDir}`,
    '--enable-unsafe-webgpu',
    '--no-first-run',
    '--no-default-browser-check',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ];
}

export function launchChromium(executable: string, launchUrl: string, profileDir: string): void {
  const child = spawn(executable, chromiumArgs(launchUrl, profileDir), { stdio: 'ignore', detached: true });
  child.on('error', () => undefined);
  child.unref();
}
