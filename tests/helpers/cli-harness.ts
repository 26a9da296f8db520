/**
 * The CLI as users run it: built with its real vite config into a private folder (inside the
 * repo's ignored tmp/, so the bundle's bare imports resolve to node_modules), run as a child
 * process through bin/kernel-studio.js in a temp working folder.
 */
import type { SpawnSyncOptions } from 'node:child_process';
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'vite';
import { expect } from 'vitest';

export const REPO = resolve(import.meta.dirname, '../..');

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

export interface CliHarness {
  /** The temp folder the CLI runs in. */
  readonly work: string;
  /** The built launcher (bin/kernel-studio.js), for runs through a shell pipe. */
  readonly bin: string;
  cli(...args: string[]): Run;
  /** Like `cli`, with extra spawn options (a timeout, a larger stdout buffer). */
  cliWith(options: SpawnSyncOptions, ...args: string[]): Run;
  /** Writes a file into `work` and returns its name. */
  write(name: string, content: string | Uint8Array): string;
  build(): Promise<void>;
  dispose(): void;
}

export function cliHarness(prefix: string): CliHarness {
  const buildDir = join(REPO, 'tmp', `${prefix}-${process.pid}-${Date.now()}`);
  const bin = join(buildDir, 'bin/kernel-studio.js');
  const work = mkdtempSync(join(tmpdir(), `ks-${prefix}-`));
  const cliWith = (options: SpawnSyncOptions, ...args: string[]): Run => {
    const r = spawnSync(process.execPath, [bin, ...args], { cwd: work, encoding: 'utf8', ...options });
    return { status: r.status, stdout: String(r.stdout), stderr: String(r.stderr) };
  };
  return {
    work,
    bin,
    cliWith,
    cli: (...args) => cliWith({}, ...args),
    write(name, content) {
      writeFileSync(join(work, name), content);
      return name;
    },
    async build() {
      await build({
        configFile: join(REPO, 'cli/vite.config.ts'),
        logLevel: 'silent',
        build: { outDir: join(buildDir, 'out/cli'), emptyOutDir: true, sourcemap: false },
      });
      mkdirSync(join(buildDir, 'bin'), { recursive: true });
      copyFileSync(join(REPO, 'bin/kernel-studio.js'), bin);
    },
    dispose() {
      rmSync(work, { recursive: true, force: true });
      rmSync(buildDir, { recursive: true, force: true });
      const tmp = join(REPO, 'tmp');
      if (existsSync(tmp) && readdirSync(tmp).length === 0) rmSync(tmp, { recursive: true });
    },
  };
}

/** A usage failure: exit 2, nothing on stdout, exactly one line on stderr, no stack trace. */
export function expectOneLineError(run: Run, pattern: RegExp): void {
  expect(run.status).toBe(2);
  expect(run.stdout).toBe('');
  expect(run.stderr.endsWith('\n')).toBe(true);
  expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(run.stderr).toMatch(/^kernel-studio: /);
  expect(run.stderr).not.toMatch(/\n\s+at /);
  expect(run.stderr).toMatch(pattern);
}
