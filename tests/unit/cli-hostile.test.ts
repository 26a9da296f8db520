/**
 * The real CLI (built, run as a child process) against hostile or huge inputs: it answers with
 * one line and exit 2 at once, or does the work and exits 0 — never a hang, a crash or exit 1.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeNpy, encodeNpy } from '#core/formats/index';
import { cliHarness, expectOneLineError } from '../helpers/cli-harness';
import { npyWithShape } from '../helpers/hostile-files';

const harness = cliHarness('cli-hostile');
const { work, cli, cliWith, write } = harness;

beforeAll(async () => {
  await harness.build();
  write('k.json', '[[1]]');
}, 120_000);
afterAll(() => harness.dispose());

describe('hostile .npy headers (the CLI reads no .safetensors: unit tests cover that decoder)', () => {
  it.each([
    ['zero.npy', npyWithShape('(99999999999, 0)'), /zero dimension/],
    ['huge.npy', npyWithShape('(99999999999, 1)'), /over the limit/],
  ])('%s fails at once with one line', (name, bytes, message) => {
    write(name, bytes);
    const started = Date.now();
    expectOneLineError(cliWith({ timeout: 20_000 }, 'corr2d', '--x', name, '--k', 'k.json'), message);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

describe('large outputs', () => {
  it('corr2d on a 64×4096 image prints Y, or writes --out, exit 0', () => {
    // 262 144 cells: Math.max(...cells) overflowed the stack from about 400×400.
    const rows = 64;
    const cols = 4096;
    const data = new Float32Array(rows * cols).map((_, i) => (i % 7) - 3);
    write('wide.npy', encodeNpy({ rows, cols, data }));
    const options = { timeout: 60_000, maxBuffer: 64 * 1024 * 1024 };
    // With --out, Y goes to the file only (issue 22.10); without, to stdout.
    const written = cliWith(options, 'corr2d', '--x', 'wide.npy', '--k', 'k.json', '--out', 'y.npy');
    expect([written.status, written.stdout, written.stderr]).toEqual([0, '', '']);
    const r = cliWith(options, 'corr2d', '--x', 'wide.npy', '--k', 'k.json');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(rows);
    expect(lines[0].trim().split(/\s+/).slice(0, 8)).toEqual(['-3', '-2', '-1', '0', '1', '2', '3', '-3']);
    const y = decodeNpy(readFileSync(join(work, 'y.npy')), 'y.npy');
    expect([y.rows, y.cols]).toEqual([rows, cols]);
    expect(y.data).toEqual(data);
  });
});

describe('inputs are checked with stat before a byte is read', () => {
  it('refuses /dev/zero and a FIFO at once (no 8 GB read, no hang), and a folder', () => {
    expect(spawnSync('mkfifo', [`${work}/fifo.json`]).status).toBe(0);
    mkdirSync(`${work}/folder.json`);
    for (const [input, message] of [
      ['/dev/zero', /\/dev\/zero is not a regular file/],
      ['fifo.json', /fifo\.json is not a regular file/],
      ['folder.json', /folder\.json is a folder, not a file/],
    ] as const) {
      const started = Date.now();
      expectOneLineError(cliWith({ timeout: 20_000 }, 'corr2d', '--x', input, '--k', 'k.json'), message);
      expect(Date.now() - started).toBeLessThan(10_000);
    }
  });
});

describe('--out keeps the file mode and writes through symlinks (the app saves the same way)', () => {
  it('a 0600 output behind a symlink stays 0600, and the link stays a link', () => {
    write('x1.json', '[[1, 2], [3, 4]]');
    mkdirSync(`${work}/real`);
    write('real/y.json', '[]');
    chmodSync(`${work}/real/y.json`, 0o600);
    symlinkSync('real/y.json', `${work}/y-link.json`);
    const r = cliWith({}, 'corr2d', '--x', 'x1.json', '--k', 'k.json', '--out', 'y-link.json');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(lstatSync(`${work}/y-link.json`).isSymbolicLink()).toBe(true);
    expect(JSON.parse(readFileSync(`${work}/real/y.json`, 'utf8'))).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(statSync(`${work}/real/y.json`).mode & 0o7777).toBe(0o600);
  });
});

describe('numbers parse strictly: decimal and exponent forms only', () => {
  it.each([
    ['--bias', '0x10'],
    ['--bias', '1_0'],
    ['--bias', ' '],
    ['--bias', ' 1'],
    ['--bias', 'Infinity'],
    ['--bias', '0b1'],
    ['--bias', '0o7'],
    ['--bias', '1e999'],
  ])('corr2d %s %j is refused', (option, value) => {
    expectOneLineError(
      cli('corr2d', '--x', 'k.json', '--k', 'k.json', option, value),
      /is not a finite number/,
    );
  });

  it.each([
    ['--lr', '0x10'],
    ['--steps', '0x10'],
    ['--seed', '0x50'],
    ['--log-every', '1_0'],
  ])('train %s %j is refused', (option, value) => {
    expectOneLineError(
      cli('train', '--x', 'k.json', '--target-k', 'k.json', '--kernel-shape', '1x1', option, value),
      new RegExp(`${option}: "${value}" is not a finite number`),
    );
  });

  it('accepts decimal and exponent forms', () => {
    const r = cli('corr2d', '--x', 'k.json', '--k', 'k.json', '--bias', '-2.5e-1', '--json');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ y: [[0.75]], backend: 'cpu' });
  });
});
