import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  lchownSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { INVOKE_CHANNELS } from '../../ipc/contract';
import { browserAppInfo } from '../../main/services/app-info';
import { readTextFile } from '../../main/services/atomic-file';
import { BackupStore } from '../../main/services/backup';
import { MainHandlers } from '../../main/services/handlers';
import { describeFsError, readRegularFile, STALE_TEMP_MS, writeFileAtomic } from '../../node/files';

/**
 * A writer killed at random points never leaves a torn file: the target is
 * always exactly one of the complete versions. The child process runs the real
 * writeFileAtomic, transpiled from node/files.ts (shared by main and the CLI) with TypeScript.
 */
const dir = mkdtempSync(join(tmpdir(), 'ks-atomic-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const repoRoot = resolve(import.meta.dirname, '../..');
const A = JSON.stringify({ version: 'A', fill: 'a'.repeat(3_000_000) });
const B = JSON.stringify({ version: 'B', fill: 'b'.repeat(2_000_000), more: 'B'.repeat(1_500_000) });

/** The child: saves A, B, A, B… to the target until it is killed. */
const CHILD = `
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from './atomic-file.mjs';
const [target, aPath, bPath] = process.argv.slice(2);
const versions = [readFileSync(aPath, 'utf8'), readFileSync(bPath, 'utf8')];
process.stdout.write('ready\\n');
for (let i = 0; ; i++) await writeFileAtomic(target, versions[i % 2]);
`;

/** Transpiles one repo module to ESM JavaScript at `out`. */
function emit(source: string, out: string, rewrite: (js: string) => string = (js) => js): void {
  const js = ts.transpileModule(readFileSync(join(repoRoot, source), 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  }).outputText;
  writeFileSync(out, rewrite(js));
}

/** node/files.ts and what it imports, as runnable ESM in `into`. */
function emitWriter(into: string): void {
  emit('core/errors.ts', join(into, 'errors.mjs'));
  emit('node/files.ts', join(into, 'atomic-file.mjs'), (js) =>
    js.replace("'#core/errors'", "'./errors.mjs'"),
  );
}

async function runTrial(script: string, target: string, aPath: string, bPath: string, delayMs: number) {
  const child = spawn(process.execPath, [script, target, aPath, bPath], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  await new Promise<void>((ready, fail) => {
    child.stdout.once('data', () => ready());
    child.once('exit', (code) => fail(new Error(`child exited early (${code}): ${err}`)));
  });
  await new Promise((r) => setTimeout(r, delayMs));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGKILL');
  await exited;
}

describe('writeFileAtomic', () => {
  it('writes, replaces and reads back', async () => {
    const target = join(dir, 'plain.kstudio');
    await writeFileAtomic(target, 'one');
    await writeFileAtomic(target, new Uint8Array([116, 119, 111]));
    expect(await readTextFile(target, 10)).toBe('two');
    await expect(readTextFile(target, 2)).rejects.toMatchObject({ code: 'too-large' });
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('never leaves a torn file when the writer is SIGKILLed at random points (60 trials)', async () => {
    emitWriter(dir);
    const script = join(dir, 'child.mjs');
    writeFileSync(script, CHILD);
    const aPath = join(dir, 'A.txt');
    const bPath = join(dir, 'B.txt');
    writeFileSync(aPath, A);
    writeFileSync(bPath, B);
    const target = join(dir, 'target.kstudio');
    writeFileSync(target, A);
    const seen = new Set<string>();
    for (let trial = 0; trial < 60; trial++) {
      await runTrial(script, target, aPath, bPath, Math.floor(Math.random() * 150));
      const text = readFileSync(target, 'utf8');
      expect(text === A || text === B, `trial ${trial}: torn file of ${text.length} chars`).toBe(true);
      seen.add((JSON.parse(text) as { version: string }).version);
    }
    // The writer really ran: both versions were seen on disk at some point.
    expect([...seen].sort()).toEqual(['A', 'B']);
  }, 300_000); // 60 child processes; generous for loaded CI machines
});

const isRoot = process.getuid?.() === 0;

describe('writeFileAtomic keeps modes and symlinks (app and CLI share it)', () => {
  it('keeps a 0600 file 0600, and a 0664 one 0664, whatever the umask', async () => {
    for (const mode of [0o600, 0o640, 0o755, 0o664]) {
      const target = join(dir, `mode-${mode.toString(8)}.kstudio`);
      writeFileSync(target, 'old');
      chmodSync(target, mode);
      await writeFileAtomic(target, 'new');
      expect(readFileSync(target, 'utf8')).toBe('new');
      expect(statSync(target).mode & 0o7777).toBe(mode);
    }
  });

  it('writes through a symlink (relative or absolute, in another folder) to its target; the link stays a link', async () => {
    const real = join(dir, 'real');
    mkdirSync(real);
    const target = join(real, 'work.kstudio');
    writeFileSync(target, 'old');
    chmodSync(target, 0o600);
    const links = join(dir, 'links');
    mkdirSync(links);
    symlinkSync('../real/work.kstudio', join(links, 'relative.kstudio'));
    symlinkSync(join(links, 'relative.kstudio'), join(links, 'chained.kstudio'));
    await writeFileAtomic(join(links, 'chained.kstudio'), 'through the chain');
    expect(lstatSync(join(links, 'chained.kstudio')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(links, 'relative.kstudio'))).toBe('../real/work.kstudio');
    expect(readFileSync(target, 'utf8')).toBe('through the chain');
    expect(statSync(target).mode & 0o7777).toBe(0o600);
    // The temp file went next to the real target, and nothing is left in either folder.
    expect(readdirSync(links).sort()).toEqual(['chained.kstudio', 'relative.kstudio']);
    expect(readdirSync(real)).toEqual(['work.kstudio']);
  });

  it('removes stale temp files of earlier crashes (ours only: our marker, our owner, older than a minute) on the next save there', async () => {
    const folder = join(dir, 'crashed');
    mkdirSync(folder);
    const old = (Date.now() - STALE_TEMP_MS - 5_000) / 1000;
    const stale = ['.work.kstudio.ks-save-0123456789ab.tmp', '.other.npy.ks-save-abcdefabcdef.tmp'];
    const otherUsers = '.theirs.npy.ks-save-abcdefabcdef.tmp';
    const kept = [
      '.work.kstudio.ks-save-0123456789ab.tmp.keep',
      'notes.tmp',
      '.fresh.kstudio.ks-save-fedcba987654.tmp',
      '.x.zz.tmp',
      // Another program's temp file in the same shape, without our marker (an editor's, a sync tool's).
      '.work.kstudio.0123456789ab.tmp',
      // Ours in name, another user's by owner (a second user is simulated by chown as root).
      ...(isRoot ? [otherUsers] : []),
    ];
    for (const name of [...stale, ...kept]) {
      writeFileSync(join(folder, name), 'partial');
      if (name !== '.fresh.kstudio.ks-save-fedcba987654.tmp') utimesSync(join(folder, name), old, old);
    }
    if (isRoot) lchownSync(join(folder, otherUsers), 12345, 12345);
    mkdirSync(join(folder, '.dir.kstudio.0123456789ab.tmp'));
    utimesSync(join(folder, '.dir.kstudio.0123456789ab.tmp'), old, old);
    await writeFileAtomic(join(folder, 'work.kstudio'), 'saved');
    expect(readdirSync(folder).sort()).toEqual(
      [...kept, '.dir.kstudio.0123456789ab.tmp', 'work.kstudio'].sort(),
    );
  });

  it('says so when the file is writable but its folder is not (as another user when run as root)', async () => {
    // Root ignores folder permissions, so as root the save runs in a child as user nobody.
    const box = mkdtempSync(join(tmpdir(), 'ks-atomic-locked-'));
    try {
      chmodSync(box, 0o755);
      emitWriter(box);
      const folder = join(box, 'locked');
      mkdirSync(folder);
      const target = join(folder, 'w.kstudio');
      writeFileSync(target, 'old');
      chmodSync(target, 0o666);
      chmodSync(folder, 0o555);
      const script = join(box, 'save.mjs');
      writeFileSync(
        script,
        `import { writeFileAtomic } from './atomic-file.mjs';
try { await writeFileAtomic(process.argv[2], 'new'); console.log('saved'); } catch (e) { console.log(e.code + ': ' + e.message); }`,
      );
      const asNobody = isRoot ? { uid: 65534, gid: 65534 } : {};
      const run = spawnSync(process.execPath, [script, target], { encoding: 'utf8', ...asNobody });
      expect(run.stderr).toBe('');
      expect(run.stdout).toMatch(/^io: Could not save w\.kstudio: the folder .*locked is not writable/);
      expect(readFileSync(target, 'utf8')).toBe('old');
    } finally {
      rmSync(box, { recursive: true, force: true });
    }
  });

  it('refuses a folder as the target, keeping it', async () => {
    const folder = join(dir, 'is-a-folder.kstudio');
    mkdirSync(folder);
    await expect(writeFileAtomic(folder, 'x')).rejects.toMatchObject({
      code: 'io',
      message: 'Could not save is-a-folder.kstudio: it is a folder, not a file',
    });
    expect(statSync(folder).isDirectory()).toBe(true);
  });

  it('describes each file-system error in words, never a raw errno line', () => {
    const cases: Array<[string, RegExp]> = [
      ['EACCES', /permission denied/],
      ['EPERM', /permission denied/],
      ['ENOSPC', /disk is full/],
      ['EROFS', /read-only/],
      ['EISDIR', /is a folder/],
      ['ENOTDIR', /not a folder/],
      ['ELOOP', /symbolic links/],
      ['EEXIST', /in the way/],
    ];
    for (const [code, words] of cases) {
      const error = Object.assign(new Error(`${code}: raw, open '/x'`), { code });
      expect(describeFsError(error)).toMatch(words);
      expect(describeFsError(error)).not.toMatch(code);
    }
  });

  it('the app saves through the same writer: a granted 0600 symlinked workspace keeps link and mode', async () => {
    const dataDir = join(dir, 'app-data');
    const real = join(dir, 'app-real.kstudio');
    const link = join(dir, 'app-link.kstudio');
    writeFileSync(real, '{"old":1}');
    chmodSync(real, 0o600);
    symlinkSync(real, link);
    const handlers = new MainHandlers({
      appInfo: browserAppInfo(),
      dataDir,
      dialogs: { pickOpenPath: async () => null, pickSavePath: async () => link },
      broadcast: () => undefined,
    });
    try {
      const saved = await handlers.dispatch(INVOKE_CHANNELS.saveText, [
        { kind: 'workspace', suggestedName: 'app-link.kstudio', text: '{"new":1}' },
      ]);
      expect(saved).toMatchObject({ ok: true });
      expect(lstatSync(link).isSymbolicLink()).toBe(true);
      expect(readFileSync(real, 'utf8')).toBe('{"new":1}');
      expect(statSync(real).mode & 0o7777).toBe(0o600);
    } finally {
      await handlers.close();
    }
  });
});

describe('readRegularFile refuses what is not a regular file, before reading', () => {
  it('refuses /dev/zero, a FIFO and a folder at once; reads a file; refuses one over the limit', () => {
    const fifo = join(dir, 'pipe');
    const made = spawnSync('mkfifo', [fifo]);
    const started = Date.now();
    expect(() => readRegularFile('/dev/zero', 1 << 20)).toThrow(/\/dev\/zero is not a regular file/);
    if (made.status === 0) expect(() => readRegularFile(fifo, 1 << 20)).toThrow(/pipe is not a regular file/);
    expect(() => readRegularFile(dir, 1 << 20)).toThrow(/is a folder, not a file/);
    expect(Date.now() - started).toBeLessThan(2_000);
    const file = join(dir, 'plain.bin');
    writeFileSync(file, new Uint8Array([1, 2, 3]));
    expect(Array.from(readRegularFile(file, 3))).toEqual([1, 2, 3]);
    expect(() => readRegularFile(file, 2)).toThrow(expect.objectContaining({ code: 'too-large' }));
    expect(() => readRegularFile(join(dir, 'missing'), 2)).toThrow(/no such file or folder/);
  });
});

describe('BackupStore', () => {
  it('a folder it cannot create is a typed io error in words, not an internal one with a raw errno', async () => {
    const dataDir = join(dir, 'backup-data');
    mkdirSync(dataDir);
    writeFileSync(join(dataDir, 'autosave'), 'a file where the folder should be');
    await expect(new BackupStore(dataDir, 1024).write('draft', 'session-a')).rejects.toMatchObject({
      name: 'KernelStudioError',
      code: 'io',
      message: expect.stringMatching(
        /^Could not write the autosave in .*autosave: (a part of the path is not a folder|a file of that name is in the way)\.$/,
      ),
    });
  });
});
