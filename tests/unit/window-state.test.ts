import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { workspacePaths } from '../../main/services/argv';
import { CrashPolicy, describeGone, MainLog } from '../../main/services/crash-policy';
import { restoreBounds, WindowStateStore } from '../../main/services/window-state';

const limits = { width: 1280, height: 840, minWidth: 800, minHeight: 560 };
const screen = { x: 0, y: 0, width: 1920, height: 1040 };
const right = { x: 1920, y: 0, width: 1280, height: 1000 };

describe('window state', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'ks-window-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('remembers size, position and maximized across launches', () => {
    const first = new WindowStateStore(dir);
    expect(first.load()).toBeNull();
    first.save({ bounds: { x: 100.4, y: 50, width: 1000, height: 700.6 }, maximized: true });
    const next = new WindowStateStore(dir).load();
    expect(next).toEqual({ bounds: { x: 100, y: 50, width: 1000, height: 701 }, maximized: true });
    expect(restoreBounds(next, [screen], limits)).toEqual({ x: 100, y: 50, width: 1000, height: 701 });
  });

  it('treats a damaged or hostile file as no saved state', () => {
    const store = new WindowStateStore(dir);
    for (const text of [
      'not json',
      '{"version":1}',
      '{"version":1,"bounds":{"x":0,"y":0,"width":1e12,"height":1},"maximized":false}',
      '{"version":2,"bounds":null,"maximized":false}',
    ]) {
      writeFileSync(store.file, text);
      expect(store.load(), text).toBeNull();
    }
  });

  it('does not write a state it could not read back', () => {
    const store = new WindowStateStore(dir);
    store.save({ bounds: { x: 0, y: 0, width: Number.NaN, height: 600 }, maximized: false });
    expect(store.load()).toBeNull();
    store.save({ bounds: null, maximized: false });
    expect(JSON.parse(readFileSync(store.file, 'utf8'))).toEqual({
      version: 1,
      bounds: null,
      maximized: false,
    });
  });

  it('keeps a window on a second display, and drops a position no display shows', () => {
    const saved = { bounds: { x: 2000, y: 100, width: 1000, height: 700 }, maximized: false };
    expect(restoreBounds(saved, [screen, right], limits)).toEqual({
      x: 2000,
      y: 100,
      width: 1000,
      height: 700,
    });
    // That display was unplugged: same size, the OS places it.
    expect(restoreBounds(saved, [screen], limits)).toEqual({ width: 1000, height: 700 });
    // Title bar above every screen.
    expect(
      restoreBounds({ ...saved, bounds: { ...saved.bounds, x: 10, y: -500 } }, [screen], limits),
    ).toEqual({
      width: 1000,
      height: 700,
    });
  });

  it('shrinks to the largest display and never below the minimum size', () => {
    const huge = { bounds: { x: 0, y: 0, width: 5000, height: 4000 }, maximized: false };
    expect(restoreBounds(huge, [screen, right], limits)).toEqual({ x: 0, y: 0, width: 1920, height: 1040 });
    const tiny = { bounds: { x: 0, y: 0, width: 10, height: 10 }, maximized: false };
    expect(restoreBounds(tiny, [screen], limits)).toEqual({ x: 0, y: 0, width: 800, height: 560 });
    expect(restoreBounds(null, [screen], limits)).toEqual({ width: 1280, height: 840 });
  });

  it('main/index.ts restores the state before creating the window and saves it on close', () => {
    const source = readFileSync('main/index.ts', 'utf8');
    expect(source).toMatch(/restoreBounds\(\s*saved,\s*screen\.getAllDisplays\(\)/);
    expect(source).toMatch(/new BrowserWindow\(\{ \.\.\.options, \.\.\.bounds \}\)/);
    expect(source).toMatch(
      /windowState\.save\(\{ bounds: window\.getNormalBounds\(\), maximized: window\.isMaximized\(\) \}\)/,
    );
  });
});

describe('crash recovery', () => {
  it('reloads a crashed renderer, but not in a crash loop and not after a clean exit', () => {
    let now = 0;
    const policy = new CrashPolicy(3, 60_000, () => now);
    expect(policy.shouldReload({ reason: 'clean-exit', exitCode: 0 })).toBe(false);
    expect([1, 2, 3, 4].map(() => policy.shouldReload({ reason: 'crashed', exitCode: 11 }))).toEqual([
      true,
      true,
      true,
      false,
    ]);
    now = 61_000;
    expect(policy.shouldReload({ reason: 'oom' })).toBe(true);
  });

  it('describes the process that went away, for the log', () => {
    expect(describeGone('renderer', { reason: 'crashed', exitCode: 139 })).toBe(
      'renderer process gone: crashed, exit code 139',
    );
    expect(describeGone('child', { type: 'GPU', reason: 'launch-failed', exitCode: 1, name: 'GPU' })).toBe(
      'GPU process (GPU) gone: launch-failed, exit code 1',
    );
  });

  it('appends to <dataDir>/logs/main.log and rotates it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ks-log-'));
    try {
      const echoed: string[] = [];
      const log = new MainLog(dir, 80, (line) => echoed.push(line));
      log.write('renderer process gone: crashed');
      log.write('second\nline');
      const text = readFileSync(log.file, 'utf8');
      expect(text).toMatch(/^\d{4}-\d\d-\d\dT[^ ]+ renderer process gone: crashed\n.+ second line\n$/);
      expect(echoed).toHaveLength(2);
      log.write('x'.repeat(50));
      expect(readFileSync(`${log.file}.1`, 'utf8')).toBe(text);
      expect(readFileSync(log.file, 'utf8')).toMatch(/x{50}\n$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('main/index.ts logs renderer and child process crashes and reloads with recovery', () => {
    const source = readFileSync('main/index.ts', 'utf8');
    expect(source).toMatch(
      /'render-process-gone'[\s\S]*describeGone\('renderer'[\s\S]*shouldReload\(details\)\)\s*void window\.loadURL\(`\$\{APP_URL\}\?recovered=1`\)/,
    );
    expect(source).toMatch(
      /app\.on\('child-process-gone', \(_event, details\) => log\?\.write\(describeGone\('child', details\)\)\)/,
    );
  });
});

describe('single instance and file association', () => {
  it('takes the existing .kstudio paths from a command line, after Electron’s own arguments', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ks-argv-'));
    try {
      const a = join(dir, 'a.kstudio');
      const b = join(dir, 'B.KSTUDIO');
      writeFileSync(a, '{}');
      writeFileSync(b, '{}');
      const missing = join(dir, 'missing.kstudio');
      const packaged = [
        '/opt/Kernel Studio/kernel-studio',
        a,
        '--no-sandbox',
        missing,
        join(dir, 'k.npy'),
        b,
      ];
      expect(workspacePaths(packaged, true)).toEqual([a, b]);
      // In development argv[1] is the app folder, not a file to open.
      expect(workspacePaths(['/usr/bin/electron', a, b], false)).toEqual([b]);
      expect(workspacePaths(['electron', '.', 'rel.kstudio'], false, () => true)).toEqual([
        join(process.cwd(), 'rel.kstudio'),
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('main/index.ts holds the single-instance lock and focuses the running window for a second launch', () => {
    const source = readFileSync('main/index.ts', 'utf8');
    expect(source).toMatch(/if \(!app\.requestSingleInstanceLock\(\)\) app\.quit\(\);/);
    const second = source.slice(source.indexOf("app.on('second-instance'"));
    expect(second).toMatch(
      /^app\.on\('second-instance', \(_event, argv\) => \{\s*for \(const path of workspaceArgs\(argv\)\) requestOpen\(path\);\s*if \(mainWindow\?\.isMinimized\(\)\) mainWindow\.restore\(\);\s*mainWindow\?\.focus\(\);/,
    );
  });
});
