/** The suite's own guard (tests/setup/sentinels.ts) notices a changed, removed, re-moded or replaced file. */
import { chmodSync, mkdtempSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  assertSentinelsUnchanged,
  changedSentinels,
  SENTINEL_FILES,
  takeSentinels,
} from '../setup/sentinels';

const work = mkdtempSync(join(tmpdir(), 'ks-sentinels-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('sentinel guard', () => {
  it('watches system files and the checkout', () => {
    expect(SENTINEL_FILES).toContain('/etc/passwd');
    expect(SENTINEL_FILES.some((f) => f.endsWith('package.json'))).toBe(true);
  });

  it('reports content, mode, removal and replacement by a link; nothing when untouched', () => {
    const files = ['content', 'mode', 'removed', 'linked'].map((name) => {
      const file = join(work, name);
      writeFileSync(file, 'x');
      chmodSync(file, 0o600);
      return file;
    });
    const before = takeSentinels(files);
    expect(changedSentinels(before)).toEqual([]);
    expect(() => assertSentinelsUnchanged(before, 'Probe')).not.toThrow();
    writeFileSync(files[0], 'y');
    chmodSync(files[1], 0o644);
    unlinkSync(files[2]);
    unlinkSync(files[3]);
    symlinkSync(files[0], files[3]);
    expect(changedSentinels(before)).toEqual(files);
    expect(() => assertSentinelsUnchanged(before, 'Probe')).toThrow(
      /Probe changed files outside the test temp folders/,
    );
  });
});
