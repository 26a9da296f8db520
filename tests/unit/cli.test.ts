/**
 * The CLI end to end: built with its real vite config into a private folder, run as
 * a child process through bin/kernel-studio.js, on real files in a temp folder.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeNpy, decodeSafetensors } from '#core/formats/index';
import { OPTIMIZER_KINDS } from '#core/types';
import { DEFAULT_TRAINING } from '#core/workspace/model';
import { cliHarness, expectOneLineError, REPO } from '../helpers/cli-harness';
import type { ForwardCase, TrainCase } from '../helpers/golden';
import { expectAllClose, loadGolden } from '../helpers/golden';

const harness = cliHarness('cli-test');
const { work, cli, write } = harness;

const golden = loadGolden();
const edge = golden.find((c) => c.name === 'edge_vertical') as ForwardCase;
const learn = golden.find((c) => c.name === 'learn_kernel_d2l') as TrainCase;

beforeAll(async () => {
  await harness.build();
  write('x.json', JSON.stringify(edge.x));
  write('k.csv', edge.k.map((row) => row.join(',')).join('\n') + '\n');
  write('y.json', JSON.stringify(learn.y));
  write('init.json', JSON.stringify(learn.init.weight));
}, 120_000);

afterAll(() => harness.dispose());

describe('kernel-studio --help / --version', () => {
  it('prints usage and the package version', () => {
    const help = cli('--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/kernel-studio corr2d --x FILE --k FILE/);
    expect(help.stdout).toMatch(/Exit codes: 0 success, 2 bad input/);
    const version = cli('--version');
    expect(version.stdout.trim()).toBe(
      (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version,
    );
  });

  it('tells the user to build when out/cli is missing', () => {
    const lonely = join(work, 'lonely-bin');
    mkdirSync(lonely, { recursive: true });
    copyFileSync(join(REPO, 'bin/kernel-studio.js'), join(lonely, 'kernel-studio.js'));
    const r = spawnSync(process.execPath, [join(lonely, 'kernel-studio.js'), '--help'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/npm run build/);
  });
});

describe('d2l: edge detection and learning K back', () => {
  it('corr2d --json reproduces the golden Y', () => {
    const r = cli('corr2d', '--x', 'x.json', '--k', 'k.csv', '--json');
    expect(r.status).toBe(0);
    const { y } = JSON.parse(r.stdout) as { y: number[][] };
    expect([y.length, y[0].length]).toEqual([6, 7]);
    expectAllClose(y.flat(), edge.expected.y.flat(), edge.tolerance, 'y');
  });

  it('corr2d prints Y as rows that read back as a matrix file', () => {
    const r = cli('corr2d', '--x', 'x.json', '--k', 'k.csv');
    expect(r.status).toBe(0);
    const rows = r.stdout
      .trimEnd()
      .split('\n')
      .map((line) => line.trim().split(/\s+/).map(Number));
    expectAllClose(rows.flat(), edge.expected.y.flat(), edge.tolerance, 'printed y');
  });

  it('train --json matches the d2l golden losses and weight', () => {
    const r = cli(
      'train',
      '--x',
      'x.json',
      '--y',
      'y.json',
      '--kernel-shape',
      '1x2',
      '--init',
      'init.json',
      '--no-bias',
      '--lr',
      String(learn.lr),
      '--steps',
      String(learn.steps),
      '--json',
    );
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as { loss: number[]; weight: number[][]; bias: number; backend: string };
    expect(out.backend).toBe('cpu');
    expectAllClose(out.loss, learn.expected.loss, learn.tolerance, 'loss');
    expectAllClose(out.weight.flat(), learn.expected.weight.flat(), learn.tolerance, 'weight');
    expect(out.bias).toBe(0);
  });

  it('train prints "batch N, loss L" every 2 steps like d2l, then the kernel', () => {
    const r = cli(
      'train',
      '--x',
      'x.json',
      '--y',
      'y.json',
      '--kernel-shape',
      '1x2',
      '--init',
      'init.json',
      '--no-bias',
    );
    expect(r.status).toBe(0);
    const lines = r.stdout.split('\n');
    const expected = [2, 4, 6, 8, 10].map((s) => `batch ${s}, loss ${learn.expected.loss[s - 1].toFixed(3)}`);
    expect(lines.slice(0, 5)).toEqual(expected);
    expect(lines[5]).toBe('weight (1×2, correlate):');
    const weight = lines[6].trim().split(/\s+/).map(Number);
    expectAllClose(weight, learn.expected.weight.flat(), { rtol: 1e-3, atol: 1e-4 }, 'printed weight');
    expect(lines[7]).toBe('bias: 0');
  });

  it("uses the app's defaults (the new document's training settings) where an option is left out", () => {
    const r = cli('train', '--x', 'x.json', '--y', 'y.json', '--kernel-shape', '1x2', '--json');
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout) as { loss: number[]; bias: number };
    expect(report.loss).toHaveLength(DEFAULT_TRAINING.steps);
    if (!DEFAULT_TRAINING.useBias) expect(report.bias).toBe(0);
    const help = cli('--help').stdout;
    expect(help).toContain(`[--lr ${DEFAULT_TRAINING.lr}] [--steps ${DEFAULT_TRAINING.steps}]`);
    expect(help).toContain(`[--optimizer ${OPTIMIZER_KINDS.join('|')}]`);
  });

  it('--log-every 5 and --target-k with a seed also learn the edge detector', () => {
    const r = cli(
      'train',
      '--x',
      'x.json',
      '--target-k',
      'k.csv',
      '--kernel-shape',
      '1x2',
      '--seed',
      '3',
      '--steps',
      '40',
      '--log-every',
      '5',
      '--json',
    );
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as { loss: number[]; weight: number[][] };
    expect(out.loss).toHaveLength(40);
    expectAllClose(out.weight.flat(), [1, -1], { rtol: 0, atol: 0.05 }, 'learned K');
  });
});

describe('--out files', () => {
  const trainArgs = [
    'train',
    '--x',
    'x.json',
    '--y',
    'y.json',
    '--kernel-shape',
    '1x2',
    '--init',
    'init.json',
    '--no-bias',
  ];

  it('writes a valid .npy of the learned kernel, and no temp files', () => {
    expect(cli(...trainArgs, '--out', 'k.npy').status).toBe(0);
    const k = decodeNpy(readFileSync(join(work, 'k.npy')), 'k.npy');
    expectAllClose(k.data, learn.expected.weight.flat(), learn.tolerance, 'k.npy');
    expect(readdirSync(work).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('writes a valid .safetensors with OIHW weight and bias', () => {
    expect(cli(...trainArgs, '--mode', 'correlate', '--out', 'k.safetensors').status).toBe(0);
    const bytes = readFileSync(join(work, 'k.safetensors'));
    const headerLength = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
    const header = JSON.parse(bytes.subarray(8, 8 + headerLength).toString('utf8')) as Record<
      string,
      { shape: number[] }
    >;
    expect(header.weight.shape).toEqual([1, 1, 1, 2]);
    expect(header.bias.shape).toEqual([1]);
    const back = decodeSafetensors(bytes, 'k.safetensors');
    expectAllClose(back.weight.data, learn.expected.weight.flat(), learn.tolerance, 'k.safetensors');
  });

  it('corr2d writes Y as .csv and refuses .safetensors', () => {
    expect(cli('corr2d', '--x', 'x.json', '--k', 'k.csv', '--out', 'y.csv').status).toBe(0);
    const text = readFileSync(join(work, 'y.csv'), 'utf8');
    expect(text.trimEnd().split('\n')[0]).toBe('0,1,0,0,0,-1,0');
    expectOneLineError(
      cli('corr2d', '--x', 'x.json', '--k', 'k.csv', '--out', 'y.safetensors'),
      /\.safetensors holds a trained kernel/,
    );
  });
});

describe('images as X', () => {
  it('reads a PNG as grayscale in 0..1', () => {
    const png = new PNG({ width: 3, height: 1 });
    png.data.set([255, 255, 255, 255, 0, 0, 0, 255, 255, 0, 0, 255]);
    write('x.png', PNG.sync.write(png));
    write('id.json', '[[1]]');
    const { y } = JSON.parse(cli('corr2d', '--x', 'x.png', '--k', 'id.json', '--json').stdout) as {
      y: number[][];
    };
    expectAllClose(y[0], [1, 0, 0.299], { rtol: 1e-5, atol: 1e-6 }, 'gray');
  });
});

describe('errors: exit 2 with one line naming the file, exit 3 on divergence', () => {
  it('malformed CSV', () => {
    write('bad.csv', '1,2,3\n4,5\n');
    expectOneLineError(
      cli('corr2d', '--x', 'bad.csv', '--k', 'k.csv'),
      /^kernel-studio: bad\.csv row 2 has 2 values but row 1 has 3\.$/m,
    );
    write('header.csv', 'a,b\n1,2\n');
    expectOneLineError(
      cli('corr2d', '--x', 'header.csv', '--k', 'k.csv'),
      /header\.csv: line 1, column 1: "a" is not a number/,
    );
  });

  it('NaN in a value', () => {
    write('nan.csv', '1,2\n3,NaN\n');
    expectOneLineError(
      cli('corr2d', '--x', 'x.json', '--k', 'nan.csv'),
      /nan\.csv at row 2, column 2 is NaN/,
    );
  });

  it('kernel larger than the image', () => {
    write('wide.json', JSON.stringify([[1, 2, 3, 4, 5, 6, 7, 8, 9]]));
    expectOneLineError(
      cli('corr2d', '--x', 'x.json', '--k', 'wide.json'),
      /wide\.json: kernel is 1×9 but the image x\.json is only 6×8/,
    );
  });

  it('missing file, unknown option, bad numbers, wrong Y shape', () => {
    expectOneLineError(cli('corr2d', '--x', 'nope.csv', '--k', 'k.csv'), /nope\.csv: no such file/);
    expectOneLineError(
      cli('corr2d', '--x', 'x.json', '--k', 'k.csv', '--groups', '2'),
      /unknown option --groups/,
    );
    expectOneLineError(
      cli('train', '--x', 'x.json', '--y', 'y.json', '--kernel-shape', '1x2', '--lr', 'fast'),
      /--lr: "fast" is not a finite number/,
    );
    expectOneLineError(
      cli('train', '--x', 'x.json', '--y', 'y.json', '--kernel-shape', '2x2'),
      /y\.json: Y is 6×7 but a 2×2 kernel/,
    );
    expectOneLineError(cli('frobnicate'), /unknown command "frobnicate"/);
  });

  it('a huge learning rate diverges with exit 3', () => {
    const r = cli(
      'train',
      '--x',
      'x.json',
      '--y',
      'y.json',
      '--kernel-shape',
      '1x2',
      '--init',
      'init.json',
      '--lr',
      '1000',
      '--steps',
      '50',
      '--json',
      '--out',
      'never.npy',
    );
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/^kernel-studio: diverged at step \d+ \(loss [^)]+\): lower --lr\n$/);
    const out = JSON.parse(r.stdout) as { diverged: { step: number }; loss: number[] };
    expect(out.diverged.step).toBe(out.loss.length + 1);
    expect(existsSync(join(work, 'never.npy'))).toBe(false);
  });

  it('accepts negative values after an option (--bias -0.5)', () => {
    const r = cli(
      'corr2d',
      '--x',
      'x.json',
      '--k',
      'k.csv',
      '--bias',
      '-0.5',
      '--activation',
      'relu',
      '--json',
    );
    expect(r.status).toBe(0);
    const { y } = JSON.parse(r.stdout) as { y: number[][] };
    expect(y[0]).toEqual([0, 0.5, 0, 0, 0, 0, 0]);
  });
});
