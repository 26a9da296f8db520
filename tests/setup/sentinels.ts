/**
 * A guard for the test suites, which run as root in CI: checksums of a few files that no test
 * may touch (system files and the checkout's own manifest), taken before the run and compared
 * after it. A change fails the run, naming the file, so a test that escaped its temp folder
 * (e.g. a save-path guard broken by a mutation) cannot pass silently.
 */
import { createHash } from 'node:crypto';
import { lstatSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

const REPO = resolve(import.meta.dirname, '../..');

/** Files outside every test's temp folders; each is hashed if it exists. */
export const SENTINEL_FILES: readonly string[] = [
  '/etc/passwd',
  '/etc/hosts',
  '/etc/group',
  '/etc/shadow',
  join(homedir(), '.bashrc'),
  join(REPO, 'package.json'),
  join(REPO, 'package-lock.json'),
  join(REPO, 'tsconfig.json'),
];

/** The state of one file: its mode, type and content hash, or "absent". */
function fingerprint(path: string): string {
  try {
    const info = lstatSync(path);
    const kind = info.isSymbolicLink() ? 'link' : info.isFile() ? 'file' : 'other';
    const hash = info.isFile() ? createHash('sha256').update(readFileSync(path)).digest('hex') : '';
    return `${kind} ${(info.mode & 0o7777).toString(8)} ${hash}`;
  } catch {
    return 'absent';
  }
}

export type SentinelSnapshot = ReadonlyMap<string, string>;

export function takeSentinels(files: readonly string[] = SENTINEL_FILES): SentinelSnapshot {
  return new Map(files.map((f) => [f, fingerprint(f)]));
}

/** The sentinel files whose state differs from `before`. */
export function changedSentinels(before: SentinelSnapshot): string[] {
  return [...before].filter(([file, state]) => fingerprint(file) !== state).map(([file]) => file);
}

export function sentinelMessage(suite: string, changed: readonly string[]): string {
  return `${suite} changed files outside the test temp folders: ${changed.join(', ')}. A test wrote where it must not.`;
}

/** Throws, failing the run, when a sentinel changed. */
export function assertSentinelsUnchanged(before: SentinelSnapshot, suite: string): void {
  const changed = changedSentinels(before);
  if (changed.length > 0) throw new Error(sentinelMessage(suite, changed));
}
