/**
 * Runs the real CLI as a child process: built with its own vite config into a private folder
 * inside the repo (the ignored tmp/, so the bundle's bare imports resolve to node_modules),
 * launched through bin/kernel-studio.js, in a temp working folder.
 */
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

export const REPO = resolve(import.meta.dirname, '../..');

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

export interface CliHarness {
  readonly work: string;
  readonly bin: string;
  build(): Promise<void>;
  cli(...args: string[]): Run;
  write(name: string, content: string | Uint8Array): string;
  cleanUp(): void;
}

export function cliHarness(prefix: string): CliHarness {
  const root = join(REPO, 'tmp', `${prefix}-${process.pid}-${Date.now()}`);
  const bin = join(root, 'bin/kernel-studio.js');
  const work = mkdtempSync(join(tmpdir(), `ks-${prefix}-`));
  return {
    work,
    bin,
    async build() {
      await build({
        configFile: join(REPO, 'cli/vite.config.ts'),
        logLevel: 'silent',
        build: { outDir: join(root, 'out/cli'), emptyOutDir: true, sourcemap: false },
      });
      mkdirSync(join(root, 'bin'), { recursive: true });
      copyFileSync(join(REPO, 'bin/kernel-studio.js'), bin);
    },
    cli(...args) {
      const r = spawnSync(process.execPath, [bin, ...args], { cwd: work, encoding: 'utf8' });
      return { status: r.status, stdout: r.stdout, stderr: r.stderr };
    },
    write(name, content) {
      writeFileSync(join(work, name), content);
      return name;
    },
    cleanUp() {
      rmSync(work, { recursive: true, force: true });
      rmSync(root, { recursive: true, force: true });
      const tmp = join(REPO, 'tmp');
      if (existsSync(tmp) && readdirSync(tmp).length === 0) rmSync(tmp, { recursive: true });
    },
  };
}
