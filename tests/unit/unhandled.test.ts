import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';

/** Runs `body` in a fresh Node process with main/services/unhandled.ts compiled beside it. */
function runNode(dir: string, body: string) {
  const source = readFileSync('main/services/unhandled.ts', 'utf8');
  writeFileSync(
    join(dir, 'unhandled.mjs'),
    ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    }).outputText,
  );
  writeFileSync(join(dir, 'main.mjs'), body);
  return spawnSync(process.execPath, [join(dir, 'main.mjs')], { encoding: 'utf8', timeout: 20_000 });
}

describe('unhandled promise rejections', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ks-unhandled-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const reject = `Promise.reject(new Error('disk full'));\nsetTimeout(() => console.log('still running'), 200);\n`;

  it('end a plain Node process (what the browser-mode server did)', () => {
    const bare = runNode(dir, reject);
    expect(bare.status).not.toBe(0);
    expect(bare.stdout).not.toContain('still running');
  });

  it('are logged, and the process keeps running, once the hosts install the handler', () => {
    const guarded = runNode(
      dir,
      `import { keepRunningOnUnhandledRejection } from './unhandled.mjs';\n` +
        `keepRunningOnUnhandledRejection((line) => console.error(line));\n${reject}`,
    );
    expect(guarded.status).toBe(0);
    expect(guarded.stdout).toContain('still running');
    expect(guarded.stderr).toContain('unhandled promise rejection (kept running): Error: disk full');
  });

  it('is installed by both hosts before anything else runs', () => {
    for (const file of ['main/index.ts', 'main/browser/index.ts'])
      expect(readFileSync(file, 'utf8')).toMatch(/^keepRunningOnUnhandledRejection\(/m);
  });
});
