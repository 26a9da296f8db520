/**
 * Hostile files, round two (issue 19): every writer (saves, Save As, autosave, recent files, run
 * logs) goes through node/files' checked writer. Real files in temp folders; a second local user
 * is simulated by `lchown` of a link to another uid (the tests run as root), never by a real user.
 */
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  lchownSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { INVOKE_CHANNELS } from '../../ipc/contract';
import { MainHandlers } from '../../main/services/handlers';
import { RunLog } from '../../main/services/run-log';
import { makePrivateFolder, printable, writeFileAtomic } from '../../node/files';
import { testAppInfo } from '../helpers/app-info';

const isRoot = process.getuid?.() === 0;
/** Another local user, simulated: only root can give a link away. */
const OTHER = 12345;

let box: string;
let shared: string;
let victim: string;
beforeEach(() => {
  box = mkdtempSync(join(tmpdir(), 'ks-file-safety-'));
  // A shared folder like /tmp: world-writable and sticky.
  shared = join(box, 'shared');
  mkdirSync(shared);
  chmodSync(shared, 0o1777);
  victim = join(box, 'precious.txt');
  writeFileSync(victim, 'precious');
});
afterEach(() => rmSync(box, { recursive: true, force: true }));

/** A link another user planted at `at`, pointing to `to`. */
function plantedLink(to: string, at: string): string {
  symlinkSync(to, at);
  lchownSync(at, OTHER, OTHER);
  return at;
}

function handlersWith(dataDir: string, savePath: string | null): MainHandlers {
  return new MainHandlers({
    appInfo: testAppInfo,
    dataDir,
    dialogs: { pickOpenPath: async () => null, pickSavePath: async () => savePath },
    broadcast: () => undefined,
  });
}

describe.skipIf(!isRoot)("a save never follows another user's symlink", () => {
  it("refuses a link another user planted in a sticky shared folder; the victim's file is untouched", async () => {
    const link = plantedLink(victim, join(shared, 'y.npy'));
    await expect(writeFileAtomic(link, 'overwritten')).rejects.toMatchObject({
      code: 'forbidden',
      message: expect.stringMatching(/y\.npy is a symbolic link that belongs to another user \(uid 12345\)/),
    });
    expect(readFileSync(victim, 'utf8')).toBe('precious');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
  });

  it("refuses another user's link to a folder on the way (shared/d -> the victim's folder)", async () => {
    const victimDir = join(box, 'home');
    mkdirSync(victimDir);
    writeFileSync(join(victimDir, 'notes.txt'), 'mine');
    plantedLink(victimDir, join(shared, 'd'));
    await expect(writeFileAtomic(join(shared, 'd', 'notes.txt'), 'overwritten')).rejects.toMatchObject({
      code: 'forbidden',
    });
    expect(readFileSync(join(victimDir, 'notes.txt'), 'utf8')).toBe('mine');
  });

  it("keeps the user's own links working, in the shared folder too", async () => {
    const own = join(shared, 'mine.npy');
    symlinkSync(victim, own);
    await writeFileAtomic(own, 'new');
    expect(readFileSync(victim, 'utf8')).toBe('new');
    expect(lstatSync(own).isSymbolicLink()).toBe(true);
  });

  it("the app's Save As refuses it too, with a clear error", async () => {
    const link = plantedLink(victim, join(shared, 'w.kstudio'));
    const handlers = handlersWith(join(box, 'data'), link);
    try {
      const saved = await handlers.dispatch(INVOKE_CHANNELS.saveText, [
        { kind: 'workspace', suggestedName: 'w.kstudio', text: '{"evil":1}' },
      ]);
      expect(saved).toMatchObject({
        ok: false,
        error: { code: 'forbidden', message: expect.stringMatching(/belongs to another user/) },
      });
      expect(readFileSync(victim, 'utf8')).toBe('precious');
    } finally {
      await handlers.close();
    }
  });

  it("autosave and run logs refuse another user's link in the data folder", async () => {
    const dataDir = join(box, 'data');
    mkdirSync(join(dataDir, 'runs'), { recursive: true });
    const victimDir = join(box, 'victim-dir');
    mkdirSync(victimDir);
    plantedLink(victimDir, join(dataDir, 'autosave'));
    plantedLink(victim, join(dataDir, 'runs', 'r1.jsonl'));
    const handlers = handlersWith(dataDir, null);
    try {
      const backup = await handlers.dispatch(INVOKE_CHANNELS.writeBackup, ['{}', 'session-a']);
      expect(backup).toMatchObject({ ok: false, error: { message: expect.stringMatching(/another user/) } });
      expect(existsSync(join(victimDir, 'session-a.kstudio'))).toBe(false);
      handlers.runLog.append('r1', [{ step: 1, loss: 0.5 }]);
      expect(await handlers.runLog.flush()).toBe(false);
      expect(readFileSync(victim, 'utf8')).toBe('precious');
    } finally {
      await handlers.close();
      handlers.runLog.dispose();
    }
  });
});

describe('a save replaces regular files only', () => {
  it('refuses a FIFO, a character device and a link to one; each stays what it was', async () => {
    const fifo = join(box, 'pipe.kstudio');
    const device = join(box, 'null.kstudio');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const made = spawnSync('mknod', [device, 'c', '1', '3']).status === 0;
    const link = join(box, 'to-pipe.kstudio');
    symlinkSync(fifo, link);
    const handlers = handlersWith(join(box, 'data'), fifo);
    try {
      const saved = await handlers.dispatch(INVOKE_CHANNELS.saveText, [
        { kind: 'workspace', suggestedName: 'pipe.kstudio', text: '{}' },
      ]);
      expect(saved).toMatchObject({
        ok: false,
        error: {
          code: 'io',
          message: expect.stringMatching(/pipe\.kstudio: it is a named pipe, not a regular file/),
        },
      });
    } finally {
      await handlers.close();
    }
    await expect(writeFileAtomic(link, 'x')).rejects.toThrow(/named pipe/);
    expect(statSync(fifo).isFIFO()).toBe(true);
    if (made) {
      await expect(writeFileAtomic(device, 'x')).rejects.toThrow(/it is a device, not a regular file/);
      expect(statSync(device).isCharacterDevice()).toBe(true);
    }
  });
});

describe('the data folder is private', () => {
  it('is made 0700 (an existing 0755 one is tightened) and what the app writes there is 0600', async () => {
    const dataDir = join(box, 'data');
    mkdirSync(dataDir, { mode: 0o755 });
    chmodSync(dataDir, 0o755);
    const handlers = handlersWith(dataDir, null);
    try {
      expect(statSync(dataDir).mode & 0o777).toBe(0o700);
      expect(await handlers.dispatch(INVOKE_CHANNELS.writeBackup, ['{}', 'session-a'])).toEqual({
        ok: true,
        value: undefined,
      });
      await handlers.recent.add(victim);
      handlers.runLog.append('r1', [{ step: 1, loss: 0.5 }]);
      expect(await handlers.runLog.flush()).toBe(true);
      for (const folder of ['autosave', 'runs'])
        expect(statSync(join(dataDir, folder)).mode & 0o777).toBe(0o700);
      for (const file of ['autosave/session-a.kstudio', 'recent.json', 'runs/r1.jsonl'])
        expect([file, statSync(join(dataDir, file)).mode & 0o777]).toEqual([file, 0o600]);
      const info = await handlers.dispatch(INVOKE_CHANNELS.getAppInfo, []);
      expect(info).toMatchObject({ ok: true });
      expect((info as { value: object }).value).not.toHaveProperty('dataFolderProblem');
    } finally {
      await handlers.close();
    }
  });

  it('a new data folder is made 0700 under a missing parent', () => {
    const dataDir = join(box, 'config', 'kernel-studio');
    expect(makePrivateFolder(dataDir)).toBeNull();
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
  });
});

/** Runs a script in a private mount namespace with a read-only tmpfs at `mnt` (gone with the namespace). */
function inReadOnlyMount(
  setup: string,
  script: string,
): { status: number | null; stdout: string; stderr: string } {
  const mnt = join(box, 'mnt');
  mkdirSync(mnt);
  const file = join(box, 'script.ts');
  writeFileSync(file, script);
  const jiti = join(import.meta.dirname, '../../node_modules/.bin/jiti');
  const shell = `mount -t tmpfs -o size=1m tmpfs "$1" && cd "$1" && ${setup} && mount -o remount,ro "$1" && "$2" "$3" "$1"`;
  const run = spawnSync(
    'unshare',
    ['--mount', '--propagation', 'private', 'sh', '-c', shell, 'sh', mnt, jiti, file],
    {
      encoding: 'utf8',
      timeout: 60_000,
    },
  );
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}
const canMount = isRoot && spawnSync('unshare', ['--mount', 'true']).status === 0;

describe.skipIf(!canMount)('on a read-only disk', () => {
  it('the page is told the data folder could not be made private, and a failed autosave says "read-only"', () => {
    const handlersModule = join(import.meta.dirname, '../../main/services/handlers.ts');
    const filesModule = join(import.meta.dirname, '../../node/files.ts');
    const run = inReadOnlyMount(
      'mkdir -m 0755 data',
      `import { MainHandlers } from ${JSON.stringify(handlersModule)};
import { makePrivateFolder, describeFsError } from ${JSON.stringify(filesModule)};
const mnt = process.argv[2];
const handlers = new MainHandlers({ appInfo: {}, dataDir: mnt + '/data', dialogs: {}, broadcast: () => undefined });
const info = await handlers.dispatch('app:get-info', []);
console.log(JSON.stringify(info.value.dataFolderProblem));
console.log(JSON.stringify(await handlers.dispatch('backup:write', ['{}', 'session-a'])));
try { makePrivateFolder(mnt + '/missing/deeper'); } catch (error) { console.log(error.code, describeFsError(error)); }
await handlers.close();`,
    );
    expect(run.stderr).toBe('');
    const [problem, backup, mkdir] = run.stdout.trim().split('\n');
    expect(JSON.parse(problem)).toEqual({
      dir: expect.stringMatching(/data$/),
      reason: 'the disk is read-only',
    });
    expect(JSON.parse(backup)).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/read-only/) },
    });
    expect(mkdir).toBe('EROFS the disk is read-only');
  });
});

describe('file names in messages', () => {
  it('control characters are escaped, never echoed raw', async () => {
    expect(printable('a\nb\u001b[31mc\u202ed')).toBe('a\\nb\\x1b[31mc\\u202ed');
    const name = join(box, 'missing', 'x\u001b[2J\n.kstudio');
    const error = await writeFileAtomic(name, 'x').catch((e: unknown) => e as Error);
    expect((error as Error).message).toContain('x\\x1b[2J\\n.kstudio');
    // eslint-disable-next-line no-control-regex
    expect((error as Error).message).not.toMatch(/[\u0000-\u001f]/);
  });
});

describe('run logs', () => {
  it('a line torn by a crash costs that point only: the next append starts on a whole line', async () => {
    const folder = join(box, 'runs');
    mkdirSync(folder);
    writeFileSync(join(folder, 'r1.jsonl'), '{"step":1,"loss":1}\n{"step":2,"loss":0.5}\n{"step":3,"lo');
    const log = new RunLog(folder);
    log.append('r1', [
      { step: 4, loss: 0.25 },
      { step: 5, loss: 0.2 },
    ]);
    expect(await log.flush()).toBe(true);
    expect((await log.read('r1')).map((p) => p.step)).toEqual([1, 2, 4, 5]);
    log.dispose();
  });
});

const hasPrlimit = isRoot && spawnSync('prlimit', ['--version']).status === 0;

describe.skipIf(!hasPrlimit)('run logs on a full disk', () => {
  it('an append cut short is retried without repeating a point (5,000 points stay 5,000 lines)', () => {
    const runLogModule = join(import.meta.dirname, '../../main/services/run-log.ts');
    const script = join(box, 'full.ts');
    // The child's file-size limit (ulimit -f: 64 KiB) cuts the first write short, as a full disk would;
    // then the limit is lifted from outside (prlimit) and the log retries the same points.
    writeFileSync(
      script,
      `import { RunLog } from ${JSON.stringify(runLogModule)};
process.on('SIGXFSZ', () => undefined);
const log = new RunLog(process.argv[2], () => undefined);
log.append('r1', Array.from({ length: 5000 }, (_, i) => ({ step: i + 1, loss: 1 / (i + 1) })));
console.log('first', await log.flush());
const { spawnSync } = await import('node:child_process');
spawnSync('prlimit', ['--pid', String(process.pid), '--fsize=unlimited:unlimited']);
console.log('retry', await log.flush());
log.dispose();`,
    );
    const jiti = join(import.meta.dirname, '../../node_modules/.bin/jiti');
    const runs = join(box, 'runs');
    const run = spawnSync('sh', ['-c', 'ulimit -S -f 128 && exec "$0" "$@"', jiti, script, runs], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe('first false\nretry true\n');
    const lines = readFileSync(join(runs, 'r1.jsonl'), 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(5000);
    expect(lines.map((l) => (JSON.parse(l) as { step: number }).step)).toEqual(
      Array.from({ length: 5000 }, (_, i) => i + 1),
    );
  });
});
