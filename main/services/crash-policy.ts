import { closeSync, constants, openSync, renameSync, statSync, writeSync } from 'node:fs';
import { makePrivateFolder } from '../../node/files';
import { join } from 'node:path';

/** Electron's RenderProcessGoneDetails / Details, as far as the log needs them. */
export interface GoneDetails {
  readonly reason: string;
  readonly exitCode?: number;
  readonly type?: string;
  readonly name?: string;
}

/** Exits that are not crashes: the user or the OS ended the process on purpose. */
const NOT_CRASHES = new Set(['clean-exit']);

export function describeGone(kind: 'renderer' | 'child', details: GoneDetails): string {
  const what = kind === 'renderer' ? 'renderer process' : `${details.type ?? 'child'} process`;
  const name = details.name ? ` (${details.name})` : '';
  const code = details.exitCode === undefined ? '' : `, exit code ${details.exitCode}`;
  return `${what}${name} gone: ${details.reason}${code}`;
}

/**
 * Decides whether a crashed renderer is reloaded. The renderer finds its autosaved
 * workspace on load, so a reload loses nothing saved; but a page that crashes at
 * start would loop, so at most `maxReloads` reloads happen within `windowMs`.
 */
export class CrashPolicy {
  private readonly reloads: number[] = [];

  constructor(
    private readonly maxReloads = 3,
    private readonly windowMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  shouldReload(details: GoneDetails): boolean {
    if (NOT_CRASHES.has(details.reason)) return false;
    const t = this.now();
    while (this.reloads.length && t - this.reloads[0]! > this.windowMs) this.reloads.shift();
    if (this.reloads.length >= this.maxReloads) return false;
    this.reloads.push(t);
    return true;
  }
}

/**
 * Main's own log, `<dataDir>/logs/main.log`: crashes, refused navigation and permissions.
 * Synchronous appends (a crash log must not be lost to a quit); rotated at 1 MiB.
 */
export class MainLog {
  readonly file: string;

  constructor(
    dataDir: string,
    private readonly maxBytes = 1024 * 1024,
    private readonly echo: (line: string) => void = (line) => console.warn(line),
  ) {
    this.file = join(dataDir, 'logs', 'main.log');
  }

  write(message: string): void {
    const line = `${new Date().toISOString()} ${message.replace(/\s+/g, ' ').slice(0, 2000)}`;
    this.echo(`[kernel-studio] ${line}`);
    try {
      makePrivateFolder(join(this.file, '..'));
      const size = statSync(this.file, { throwIfNoEntry: false })?.size ?? 0;
      if (size > this.maxBytes) renameSync(this.file, `${this.file}.1`);
      // Never through a link (the data folder is the user's alone), and private: 0600.
      const fd = openSync(
        this.file,
        constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | (constants.O_NOFOLLOW ?? 0),
        0o600,
      );
      try {
        writeSync(fd, `${line}\n`);
      } finally {
        closeSync(fd);
      }
    } catch {
      // Logging must never take the app down.
    }
  }
}
