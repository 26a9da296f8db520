import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  BUILD_OUTPUTS,
  beginBuild,
  finishBuild,
  isBuildCurrent,
  sourceFingerprint,
} from '../../scripts/build-state.mjs';

// The staleness check behind `npm start` / `npm run start:browser` (issue 21 §3), on a real
// temporary tree: a launch skips the build only when out/ was built from the sources as they are.
let root: string;

function write(path: string, text: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

function build(): void {
  beginBuild(root);
  for (const file of BUILD_OUTPUTS) write(join('out', file), 'built');
  finishBuild(root);
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'ks-build-state-'));
  write('package.json', '{}');
  write('renderer/src/App.svelte', '<p>one</p>');
  write('core/cpu/forward.ts', 'export const a = 1;');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('build state', () => {
  it('is not current before any build, and current right after one', () => {
    expect(isBuildCurrent(root)).toBe(false);
    build();
    expect(isBuildCurrent(root)).toBe(true);
  });

  it('a changed, added or removed source makes the build stale', () => {
    build();
    write('core/cpu/forward.ts', 'export const a = 2;');
    expect(isBuildCurrent(root)).toBe(false);
    build();
    write('main/new-file.ts', 'export {};');
    expect(isBuildCurrent(root)).toBe(false);
    build();
    rmSync(join(root, 'main/new-file.ts'));
    expect(isBuildCurrent(root)).toBe(false);
  });

  it('a touched source with the same content still counts as changed (mtime is in the fingerprint)', () => {
    build();
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(root, 'renderer/src/App.svelte'), later, later);
    expect(isBuildCurrent(root)).toBe(false);
  });

  it('tests, docs, markdown and out/ itself do not make it stale', () => {
    build();
    write('tests/unit/x.test.ts', 'x');
    write('docs/performance.md', '# x');
    write('README.md', '# x');
    write('out/renderer/extra.js', 'x');
    expect(isBuildCurrent(root)).toBe(true);
  });

  it('a missing output makes it stale', () => {
    build();
    rmSync(join(root, 'out', BUILD_OUTPUTS[0]!));
    expect(isBuildCurrent(root)).toBe(false);
  });

  it('a source saved while the build ran is still seen as changed afterwards', () => {
    beginBuild(root);
    write('core/cpu/forward.ts', 'export const a = 3;');
    for (const file of BUILD_OUTPUTS) write(join('out', file), 'built');
    finishBuild(root);
    expect(isBuildCurrent(root)).toBe(false);
  });

  it('a build that begins and fails leaves out/ not current', () => {
    build();
    beginBuild(root);
    expect(isBuildCurrent(root)).toBe(false);
  });

  it('the fingerprint depends on the sources only', () => {
    const before = sourceFingerprint(root);
    expect(sourceFingerprint(root)).toBe(before);
    write('cli/index.ts', 'x');
    expect(sourceFingerprint(root)).not.toBe(before);
  });
});
