/**
 * The real CLI (built, run as a child process on temp files) against files that real tools read
 * differently or that are built to cost time and memory (issues 19.8–19.10, 22.10): PNG headers,
 * 16-bit PNGs, large text inputs, outputs too large to hold.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeNpy, encodeNpy, exportLayer } from '#core/formats/index';
import { fromRows } from '#core/matrix';
import { BOUNDS, boundText } from '#core/bounds';
import { cliHarness, expectOneLineError } from '../helpers/cli-harness';
import { greyIdat, greyPng, IEND, ihdr, PNG_SIGNATURE } from '../helpers/png-chunks';
import { oneKernelExport } from '../helpers/one-kernel';

const harness = cliHarness('cli-formats');
const { work, cli, cliWith, write } = harness;

beforeAll(async () => {
  await harness.build();
  write('k.json', '[[1]]');
  write('x3.json', '[[1, 2, 3], [4, 5, 6], [7, 8, 9]]');
}, 120_000);
afterAll(() => harness.dispose());

/** `corr2d --x x3.json … --json` or `train --x x3.json … --json`: no stderr, the parsed report. */
function runJson(command: 'corr2d' | 'train', ...args: string[]): Record<string, unknown> {
  const r = cli(command, '--x', 'x3.json', ...args, '--json');
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

describe('PNG headers: the size checked is the size decoded (19.8)', () => {
  it('refuses a PNG with a second IHDR (1×1, then 4097×1) at once, with one line', () => {
    const png = Buffer.concat([
      PNG_SIGNATURE,
      ihdr(1, 1, 8, 0),
      ihdr(4097, 1, 8, 0),
      greyIdat([new Array(4097).fill(7)], 8),
      IEND,
    ]);
    write('two-ihdr.png', png);
    expectOneLineError(
      cliWith({ timeout: 20_000 }, 'corr2d', '--x', 'two-ihdr.png', '--k', 'k.json'),
      /two-ihdr\.png: the PNG has a second IHDR chunk/,
    );
  });

  it('refuses a PNG whose first chunk is not IHDR, without inventing a size', () => {
    const png = Buffer.concat([PNG_SIGNATURE, greyIdat([[1]], 8), ihdr(1, 1, 8, 0), IEND]);
    write('idat-first.png', png);
    const r = cli('corr2d', '--x', 'idat-first.png', '--k', 'k.json');
    expectOneLineError(r, /idat-first\.png: the PNG's first chunk is "IDAT", not IHDR/);
    expect(r.stderr).not.toMatch(/pixels|×/);
  });
});

describe('16-bit PNGs at full precision (22.10)', () => {
  it('a grey 1000 reads 1000/65535, grey or --color', () => {
    write('g16.png', greyPng([[1000, 65535]], 16));
    const grey = JSON.parse(cli('corr2d', '--x', 'g16.png', '--k', 'k.json', '--json').stdout) as {
      y: number[][];
    };
    expect(grey.y[0][0]).toBeCloseTo(1000 / 65535, 6);
    expect(grey.y[0][1]).toBeCloseTo(1, 6);
    write('k3.json', '[[[1]], [[0]], [[0]]]');
    const rgb = JSON.parse(cli('corr2d', '--x', 'g16.png', '--k', 'k3.json', '--color', '--json').stdout) as {
      y: number[][];
    };
    expect(rgb.y[0][0]).toBeCloseTo(1000 / 65535, 6);
  });

  it('8-bit PNGs read as before (200/255)', () => {
    write('g8.png', greyPng([[200]], 8));
    const r = JSON.parse(cli('corr2d', '--x', 'g8.png', '--k', 'k.json', '--json').stdout) as {
      y: number[][];
    };
    expect(r.y[0][0]).toBeCloseTo(200 / 255, 6);
  });
});

/** The CLI in a small heap: what used to take gigabytes (one string per character, JS arrays of every value) now fails or passes in it. */
const SMALL_HEAP = { env: { ...process.env, NODE_OPTIONS: '--max-old-space-size=256' }, timeout: 300_000 };

describe('large text inputs (19.9)', () => {
  it('a 4096² CSV reads in a 256 MB heap and Y goes to --out only', () => {
    const row = `${new Array(4096).fill('1').join(',')}\n`;
    write('big.csv', row.repeat(4096));
    const r = cliWith(SMALL_HEAP, 'corr2d', '--x', 'big.csv', '--k', 'k.json', '--out', 'y.npy');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('');
    const y = decodeNpy(readFileSync(join(work, 'y.npy')), 'y.npy');
    expect([y.rows, y.cols]).toEqual([4096, 4096]);
    expect(y.data.every((v) => v === 1)).toBe(true);
  });

  it('a 64 MB one-line TXT and a 10 MB one-row JSON are refused with one line, in a 256 MB heap', () => {
    write('line.txt', '1 '.repeat(32 * 2 ** 20));
    expectOneLineError(
      cliWith(SMALL_HEAP, 'corr2d', '--x', 'line.txt', '--k', 'k.json'),
      /line\.txt has more than 4096 columns, over the limit of 4096×4096/,
    );
    write('row.json', `[[${new Array(5 * 2 ** 20).fill('1').join(',')}]]`);
    expectOneLineError(
      cliWith(SMALL_HEAP, 'corr2d', '--x', 'row.json', '--k', 'k.json'),
      /row\.json is 1×5242880, over the limit of 4096×4096/,
    );
  });

  it('a CSV with more than 4096 rows is refused at row 4097', () => {
    write('tall.csv', '1\n'.repeat(2 ** 20));
    expectOneLineError(
      cliWith(SMALL_HEAP, 'corr2d', '--x', 'tall.csv', '--k', 'k.json'),
      /tall\.csv has more than 4096 rows, over the limit of 4096×4096/,
    );
  });
});

describe('outputs bounded before computing (19.10)', () => {
  it('4096² X with 64 1×1 kernels: refused at once, in memory, exit 2', () => {
    write('x4k.npy', encodeNpy({ rows: 4096, cols: 4096, data: new Float32Array(4096 * 4096) }));
    write('k64.json', JSON.stringify(Array.from({ length: 64 }, () => [[[1]]])));
    expectOneLineError(
      cliWith(SMALL_HEAP, 'corr2d', '--x', 'x4k.npy', '--k', 'k64.json', '--out', 'y64.npy'),
      /Y would be 64×4096×4096 \(1073741824 values\), over the limit of 67108864/,
    );
    expect(existsSync(join(work, 'y64.npy'))).toBe(false);
  });

  it('2 kernels on 4096² fit in memory but not as text: --json and stdout refused, .npy written', () => {
    write('k2.json', JSON.stringify([[[[1]]], [[[2]]]]));
    for (const extra of [['--json'], [], ['--out', 'y2.json']])
      expectOneLineError(
        cliWith(SMALL_HEAP, 'corr2d', '--x', 'x4k.npy', '--k', 'k2.json', ...extra),
        /Y would be 2×4096×4096 \(33554432 values\), too many to write as text \(at most 16777216\); write it with --out FILE\.npy/,
      );
    expect(existsSync(join(work, 'y2.json'))).toBe(false);
  });
});

describe('corr2d --out writes Y to the file only (22.10)', () => {
  it('stdout is empty, or with --json says what was written', () => {
    write('x.json', '[[1, 2], [3, 4]]');
    const plain = cli('corr2d', '--x', 'x.json', '--k', 'k.json', '--out', 'y.csv');
    expect(plain.status).toBe(0);
    expect(plain.stdout).toBe('');
    expect(readFileSync(join(work, 'y.csv'), 'utf8')).toBe('1,2\n3,4\n');
    const json = cli('corr2d', '--x', 'x.json', '--k', 'k.json', '--out', 'y.npy', '--json');
    expect(JSON.parse(json.stdout)).toEqual({ out: 'y.npy', shape: [2, 2], backend: 'cpu' });
    // Without --out, Y still prints, as text or JSON.
    expect(cli('corr2d', '--x', 'x.json', '--k', 'k.json').stdout).toBe('1  2\n3  4\n');
    expect(JSON.parse(cli('corr2d', '--x', 'x.json', '--k', 'k.json', '--json').stdout)).toEqual({
      y: [
        [1, 2],
        [3, 4],
      ],
      backend: 'cpu',
    });
  });
});

describe('the CLI reads what the app reads, and PyTorch’s padding (22.10)', () => {
  it('a .safetensors kernel for --k and --init, as the app exports it (convolve-mode rotation undone)', () => {
    write(
      'k.safetensors',
      exportLayer(
        'safetensors',
        oneKernelExport(
          fromRows([
            [1, 0],
            [0, -1],
          ]),
          0,
          'convolve',
        ),
      ).bytes,
    );
    const r = cli('corr2d', '--x', 'x3.json', '--k', 'k.safetensors', '--json');
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({
      y: [
        [-4, -4],
        [-4, -4],
      ],
      backend: 'cpu',
    });
    write('y2.json', '[[-4, -4], [-4, -4]]');
    const t = cli(
      'train',
      '--x',
      'x3.json',
      '--y',
      'y2.json',
      '--init',
      'k.safetensors',
      '--steps',
      '1',
      '--lr',
      '1e-9',
      '--json',
    );
    expect(t.stderr).toBe('');
    expect((JSON.parse(t.stdout) as { loss: number[] }).loss).toEqual([0]);
  });

  it('an unknown type lists every kind the CLI reads', () => {
    write('k.bmp', 'x');
    expectOneLineError(
      cli('corr2d', '--x', 'x3.json', '--k', 'k.bmp'),
      /k\.bmp: unknown file type; use \.json, \.csv, \.tsv, \.txt, \.npy, \.safetensors, \.png, \.jpg or \.jpeg\./,
    );
  });

  it("--padding same is PyTorch's padding='same' at stride 1", () => {
    write('k33.json', '[[0, 0, 0], [0, 2, 0], [0, 0, 0]]');
    expect(runJson('corr2d', '--k', 'k33.json', '--padding', 'same', '--dilation', '2').y).toEqual([
      [2, 4, 6],
      [8, 10, 12],
      [14, 16, 18],
    ]);
    const t = runJson(
      'train',
      '--target-k',
      'k33.json',
      '--kernel-shape',
      '3x3',
      '--padding',
      'same',
      '--steps',
      '2',
    );
    expect(t.loss).toHaveLength(2);
    expectOneLineError(
      cli('corr2d', '--x', 'x3.json', '--k', 'k33.json', '--padding', 'same', '--stride', '2'),
      /--padding same needs stride 1/,
    );
    write('k22.json', '[[1, 1], [1, 1]]');
    expectOneLineError(
      cli('corr2d', '--x', 'x3.json', '--k', 'k22.json', '--padding', 'same'),
      /--padding same: the 2×2 kernel .* symmetric padding cannot give/,
    );
  });
});

describe("one bounds table and one number grammar: the CLI's options read core/bounds.ts (issue 22, 19 Low)", () => {
  it('every whole-number option takes the decimal grammar: --dilation 1e0 as --steps 1e1', () => {
    expect(runJson('corr2d', '--k', 'k.json', '--dilation', '1e0', '--stride', '2e0,1').y).toEqual([
      [1, 2, 3],
      [7, 8, 9],
    ]);
    const t = runJson('train', '--target-k', 'k.json', '--kernel-shape', '1e0x1', '--steps', '1e1');
    expect(t.loss).toHaveLength(10);
  });

  it.each([
    ['--lr', '2e6', BOUNDS.lr],
    ['--steps', '0', BOUNDS.steps],
    ['--steps', '1.5', BOUNDS.steps],
    ['--seed', String(2 ** 32), BOUNDS.seed],
    ['--out-channels', '65', BOUNDS.channels],
    ['--init-bias', '2e6', BOUNDS.bias],
  ])('train %s %s is refused with the bound the app uses', (option, value, bound) => {
    expectOneLineError(
      cli('train', '--x', 'x3.json', '--target-k', 'k.json', '--kernel-shape', '1x1', option, value),
      new RegExp(`^kernel-studio: ${option}: ${Number(value)} must be ${boundText(bound)}\\.\\n$`),
    );
  });

  it('corr2d geometry and bias read the same table', () => {
    expectOneLineError(
      cli('corr2d', '--x', 'x3.json', '--k', 'k.json', '--dilation', '65'),
      new RegExp(`--dilation: "65" is not R,C or one number, each ${boundText(BOUNDS.dilation)}`),
    );
    expectOneLineError(
      cli('corr2d', '--x', 'x3.json', '--k', 'k.json', '--bias', '-2e6'),
      /--bias: -2000000 must be a number from -1e6 to 1e6/,
    );
    expectOneLineError(
      cli('train', '--x', 'x3.json', '--target-k', 'k.json', '--kernel-shape', '32x1'),
      /--kernel-shape: "32x1" is not HxW with sides a whole number from 1 to 31/,
    );
  });
});

/** Dawn for Node and a Vulkan driver (SwiftShader here) are there: `--backend webgpu` runs. */
function webGpuRuns(): boolean {
  return cli('corr2d', '--x', 'x3.json', '--k', 'k.json', '--backend', 'webgpu').status === 0;
}

describe('driver noise (19 Low)', () => {
  it("--backend webgpu keeps the drivers' messages off stderr unless --verbose, and leaves no folder behind", (ctx) => {
    if (!webGpuRuns()) ctx.skip();
    const { XDG_RUNTIME_DIR: _, ...env } = process.env;
    const before = readdirSync(tmpdir()).filter((n) => n.startsWith('kernel-studio-runtime-'));
    const gpu = (...extra: string[]) =>
      cliWith({ env }, 'corr2d', '--x', 'x3.json', '--k', 'k.json', '--backend', 'webgpu', ...extra);
    const quiet = gpu('--json');
    expect(quiet.stderr).toBe('');
    expect(JSON.parse(quiet.stdout)).toEqual({
      y: [
        [1, 2, 3],
        [4, 5, 6],
        [7, 8, 9],
      ],
      backend: 'webgpu',
    });
    expect(readdirSync(tmpdir()).filter((n) => n.startsWith('kernel-studio-runtime-'))).toEqual(before);
    // --verbose leaves the environment as it is: whatever the drivers say reaches stderr, and Y stdout.
    const verbose = gpu('--verbose');
    expect(verbose.status).toBe(0);
    expect(verbose.stdout).toBe('1  2  3\n4  5  6\n7  8  9\n');
  }, 120_000);
});
