/**
 * The CLI as users run it: built with its real vite config into a private folder inside the repo
 * (the ignored tmp/, so the bundle's bare imports resolve to node_modules) and run as a child
 * process through a copy of bin/kernel-studio.js.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'vite';

export const REPO = resolve(import.meta.dirname, '../..');

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

export interface BuiltCli {
  readonly bin: string;
  run(args: readonly string[], options?: { cwd?: string; env?: NodeJS.ProcessEnv }): CliRun;
  remove(): void;
}

export async function buildCli(tag: string): Promise<BuiltCli> {
  const dir = join(REPO, 'tmp', `${tag}-${process.pid}-${Date.now()}`);
  const bin = join(dir, 'bin/kernel-studio.js');
  await build({
    configFile: join(REPO, 'cli/vite.config.ts'),
    logLevel: 'silent',
    build: { outDir: join(dir, 'out/cli'), emptyOutDir: true, sourcemap: false },
  });
  mkdirSync(join(dir, 'bin'), { recursive: true });
  copyFileSync(join(REPO, 'bin/kernel-studio.js'), bin);
  return {
    bin,
    run(args, options = {}) {
      const r = spawnSync(process.execPath, [bin, ...args], {
        cwd: options.cwd,
        env: options.env ?? process.env,
        encoding: 'utf8',
      });
      return { status: r.status, stdout: r.stdout, stderr: r.stderr };
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
      const tmp = join(REPO, 'tmp');
      if (existsSync(tmp) && readdirSync(tmp).length === 0) rmSync(tmp, { recursive: true });
    },
  };
}
