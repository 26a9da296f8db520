import fc from 'fast-check';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INVOKE_CHANNELS, type InvokeMethod, type IpcErrorCode } from '../../ipc/contract';
import { browserAppInfo } from '../../main/services/app-info';
import { MainHandlers } from '../../main/services/handlers';

/**
 * Every IPC channel fed ≥1,000 arbitrary argument lists through the one entry point both
 * hosts use (`MainHandlers.dispatch`), on a real folder tree: only typed, one-line errors
 * come back, and nothing is written outside the data folder and the paths "the user picked"
 * in the (scripted) dialogs.
 */
const RUNS = 1000;
const CODES = new Set<IpcErrorCode>([
  'invalid-argument',
  'forbidden',
  'format',
  'unsupported',
  'too-large',
  'non-finite',
  'io',
  'not-found',
  'cancelled',
  'internal',
]);

let base: string;
let dataDir: string;
let opened: string;
let saved: string;
let victim: string;
/** Stands in for /etc/passwd: no test may name a real system file as a write target (they run as root). */
let systemFile: string;
let handlers: MainHandlers;
const repoCwd = process.cwd();

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'ks-fuzz-'));
  dataDir = join(base, 'data');
  mkdirSync(join(base, 'user'));
  mkdirSync(join(base, 'outside'));
  opened = join(base, 'user', 'opened.kstudio');
  saved = join(base, 'user', 'saved.kstudio');
  victim = join(base, 'outside', 'victim.kstudio');
  writeFileSync(opened, '{"opened":true}');
  writeFileSync(victim, 'DO NOT TOUCH');
  systemFile = join(base, 'etc', 'passwd');
  mkdirSync(join(base, 'etc'));
  writeFileSync(systemFile, 'root:x:0:0:root:/root:/bin/sh\n');
  // Relative paths resolve against the cwd: put it inside the watched tree, so a stray
  // write is caught by the check below (and never lands in the repository).
  mkdirSync(join(base, 'cwd'));
  process.chdir(join(base, 'cwd'));
  let flip = 0;
  handlers = new MainHandlers({
    appInfo: browserAppInfo(),
    dataDir,
    // The "user" picks these two files, or cancels, in turn.
    dialogs: {
      pickOpenPath: async () => (flip++ % 2 ? opened : null),
      pickSavePath: async () => (flip++ % 2 ? saved : null),
    },
    broadcast: () => undefined,
  });
});
afterAll(async () => {
  process.chdir(repoCwd);
  await handlers.close();
  rmSync(base, { recursive: true, force: true });
});

/** Argument lists close to valid for each channel (built once the folders exist). */
function nearValidArgs(): Partial<Record<InvokeMethod, fc.Arbitrary<unknown[]>>> {
  const path: fc.Arbitrary<string> = fc.oneof(
    fc.constantFrom(
      join(base, 'outside', 'victim.kstudio'),
      join(base, 'outside', 'new.kstudio'),
      join(dataDir, '..', 'outside', 'x.kstudio'),
      join(dataDir, 'runs', '..', '..', 'outside', 'y.npy'),
      'relative.kstudio',
      '../escape.kstudio',
      systemFile,
      saved,
      opened,
      join(dataDir, 'recent.json'),
    ),
    fc.string(),
  );
  const kind = fc.oneof(fc.constantFrom('workspace', 'kernel', 'image', 'chart'), fc.string());
  const name = fc.oneof(fc.constantFrom('a.kstudio', 'k.npy', '../../x.kstudio', 'a/b', 'a\\b'), fc.string());
  const optional = { requiredKeys: [] as never[] };
  const save = (payload: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> =>
    fc.record({ kind, path, suggestedName: name, text: payload, bytes: payload }, optional);
  const runId = fc.oneof(fc.constantFrom('run-1', '../../outside/z', 'a/b', '.', ''), fc.string());
  return {
    getAppInfo: fc.constant([]),
    openWorkspace: fc.oneof(fc.constant<unknown[]>([]), fc.tuple(fc.record({ path }, optional))),
    saveText: fc.tuple(save(fc.string())),
    openBytes: fc.tuple(kind),
    saveBytes: fc.tuple(save(fc.oneof(fc.uint8Array({ maxLength: 64 }), fc.string()))),
    getRecent: fc.constant([]),
    writeBackup: fc.tuple(fc.string({ maxLength: 64 }), runId),
    readBackup: fc.tuple(runId),
    clearBackup: fc.tuple(runId),
    setDirty: fc.tuple(fc.record({ dirty: fc.boolean(), name }, optional)),
    appendLoss: fc.tuple(
      fc.record(
        {
          runId,
          points: fc.array(
            fc.record({ step: fc.oneof(fc.integer(), fc.double()), loss: fc.double() }, optional),
            { maxLength: 4 },
          ),
        },
        optional,
      ),
    ),
    readLoss: fc.tuple(runId),
  };
}

describe('IPC fuzzing', () => {
  const anyArgs = fc.oneof(
    fc.array(fc.anything(), { maxLength: 3 }),
    fc.anything().map((v) => [v]),
  );

  it.each(Object.keys(INVOKE_CHANNELS) as InvokeMethod[])(
    `%s: ${RUNS} arbitrary calls give only envelopes with typed errors, and write only where allowed`,
    async (method) => {
      const channel = INVOKE_CHANNELS[method];
      let calls = 0;
      await fc.assert(
        fc.asyncProperty(fc.oneof(nearValidArgs()[method] ?? fc.constant([]), anyArgs), async (args) => {
          calls++;
          const result = await handlers.dispatch(channel, args);
          expect(typeof result.ok).toBe('boolean');
          if (result.ok) return;
          expect(CODES.has(result.error.code), result.error.code).toBe(true);
          expect(typeof result.error.message).toBe('string');
          // One line for a person, never a stack trace.
          expect(result.error.message).not.toMatch(/\n\s+at |\bat .+:\d+:\d+\)?$/m);
          expect(result.error.message.length).toBeLessThan(600);
        }),
        { numRuns: RUNS },
      );
      expect(calls).toBeGreaterThanOrEqual(RUNS);
      await handlers.runLog.flush();

      const allowed = (file: string): boolean =>
        !relative(dataDir, file).startsWith('..') || file === saved || file === opened;
      const strays = listFiles(base).filter(
        (file) => !allowed(file) && file !== victim && file !== systemFile,
      );
      expect(strays).toEqual([]);
      expect(readFileSync(victim, 'utf8')).toBe('DO NOT TOUCH');
      expect(readFileSync(systemFile, 'utf8')).toBe('root:x:0:0:root:/root:/bin/sh\n');
      expect(readdirSync(join(base, 'cwd'))).toEqual([]);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    },
    60_000,
  );
});
