import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { readTextFile, writeFileAtomic } from '../../main/services/atomic-file';

/**
 * A writer killed at random points never leaves a torn file: the target is
 * always exactly one of the complete versions. The child process runs the real
 * writeFileAtomic, transpiled from main/services/atomic-file.ts with TypeScript.
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

/** Transpiles one repo module to ESM JavaScript in the temp folder. */
function emit(source: string, out: string, rewrite: (js: string) => string = (js) => js): void {
  const js = ts.transpileModule(readFileSync(join(repoRoot, source), 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  }).outputText;
  writeFileSync(join(dir, out), rewrite(js));
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
    emit('core/errors.ts', 'errors.mjs');
    emit('main/services/atomic-file.ts', 'atomic-file.mjs', (js) =>
      js.replace("'../../core/errors'", "'./errors.mjs'"),
    );
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
  }, 120_000);
});
