/**
 * The real CLI (built, run as a child process) and the files it writes (issue 19): `--out` never
 * follows another user's link, is checked before any work, a closed stdout pipe ends output
 * quietly, and file names are escaped in messages. Another user is simulated by `lchown` of a
 * link in a sticky temp folder (the tests run as root).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, lchownSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeNpy } from '#core/formats/index';
import { cliHarness, expectOneLineError } from '../helpers/cli-harness';

const harness = cliHarness('cli-files');
const { work, cli, write } = harness;
const isRoot = process.getuid?.() === 0;

beforeAll(async () => {
  await harness.build();
  write('k.json', '[[1]]');
  write('x.json', '[[1, 2], [3, 4]]');
  write('y.json', '[[2, 4], [6, 8]]');
}, 120_000);
afterAll(() => harness.dispose());

describe('--out', () => {
  it.skipIf(!isRoot)(
    "refuses a link another user planted in a sticky shared folder; the victim's file is untouched",
    () => {
      const shared = join(work, 'shared');
      mkdirSync(shared);
      chmodSync(shared, 0o1777);
      const victim = write('precious.txt', 'precious');
      symlinkSync(join(work, victim), join(shared, 'y.npy'));
      lchownSync(join(shared, 'y.npy'), 12345, 12345);
      expectOneLineError(
        cli('corr2d', '--x', 'x.json', '--k', 'k.json', '--out', 'shared/y.npy'),
        /shared\/y\.npy is a symbolic link that belongs to another user/,
      );
      expect(readFileSync(join(work, victim), 'utf8')).toBe('precious');
    },
  );

  it('train --out into a missing folder fails at once, before training', () => {
    const r = cli(
      'train',
      '--x',
      'x.json',
      '--y',
      'y.json',
      '--kernel-shape',
      '1x1',
      '--out',
      'missing/w.npy',
    );
    expectOneLineError(r, /Could not save w\.npy: the folder missing does not exist/);
  });
});

describe('the terminal', () => {
  it('`… | head -1` ends quietly: no EPIPE stack trace, exit 0', () => {
    // 64 rows of 4096 numbers: far more than a pipe holds, so the writes meet the closed pipe.
    const data = new Float32Array(64 * 4096).map((_, i) => i % 7);
    write('wide.npy', encodeNpy({ rows: 64, cols: 4096, data }));
    const r = spawnSync(
      'bash',
      [
        '-c',
        'set -o pipefail; "$0" "$1" corr2d --x wide.npy --k k.json 2>err.txt | head -1 >/dev/null; echo "status $?"; cat err.txt',
        process.execPath,
        harness.bin,
      ],
      { cwd: work, encoding: 'utf8', timeout: 60_000 },
    );
    expect(r.stdout).toBe('status 0\n');
  });

  it('control characters in a file name are escaped in the error, never echoed raw', () => {
    const r = cli('corr2d', '--x', 'bad\u001b[2J\u0007.json', '--k', 'k.json');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('bad\\x1b[2J\\x07.json');
    // eslint-disable-next-line no-control-regex
    expect(r.stderr.trimEnd()).not.toMatch(/[\u0000-\u001f]/);
  });
});
