/**
 * The full layer through the real CLI (a child process on real files): every layer golden case
 * forward and trained, from nested JSON and from .npy, with --stride/--padding/--dilation,
 * per-channel biases, --out-channels, colour PNGs, 4-D exports and one-line errors.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeNpyArray } from '#core/formats/index';
import type { LayerForwardCase, LayerTrainCase } from '../helpers/golden';
import {
  biasList,
  expectAllClose,
  flat,
  loadLayerGolden,
  nd,
  optimizerOf,
  PARAM_TOLERANCE,
} from '../helpers/golden';
import { cliHarness, expectOneLineError } from '../helpers/cli-harness';

const h = cliHarness('cli-layer');
const { cli, write } = h;
const golden = loadLayerGolden();
const forwardCases = golden.filter((c): c is LayerForwardCase => c.op === 'forward');
const trainCases = golden.filter((c): c is LayerTrainCase => c.op === 'train');
const hasNumpy = spawnSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;

beforeAll(() => h.build(), 120_000);
afterAll(() => h.dispose());

function geometry(c: LayerForwardCase | LayerTrainCase): string[] {
  return [
    '--stride',
    c.stride.join(','),
    '--padding',
    c.padding.join(','),
    '--dilation',
    c.dilation.join(','),
  ];
}
function npy(name: string, value: Parameters<typeof nd>[0]): string {
  return write(name, encodeNpyArray(nd(value)));
}

describe('corr2d: every layer golden case', () => {
  describe.each(forwardCases)('$name', (c) => {
    const bias = biasList(c.bias);
    it.each(['json', 'npy'])('from .%s files', (ext) => {
      const x = ext === 'json' ? write(`${c.name}-x.json`, JSON.stringify(c.x)) : npy(`${c.name}-x.npy`, c.x);
      const k = ext === 'json' ? write(`${c.name}-k.json`, JSON.stringify(c.k)) : npy(`${c.name}-k.npy`, c.k);
      const r = cli(
        'corr2d',
        '--x',
        x,
        '--k',
        k,
        '--bias',
        Array.from(bias).join(','),
        ...geometry(c),
        '--json',
      );
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const { y } = JSON.parse(r.stdout) as { y: number[][] | number[][][] };
      // 2-D when there is one output channel, O×Ho×Wo otherwise: the golden file's own shape.
      expect(nd(y).shape).toEqual(nd(c.expected.y).shape);
      expectAllClose(flat(y), flat(c.expected.y), c.tolerance, 'y');
    });
  });

  it('writes several output channels as a 3-D .npy that numpy loads', () => {
    const c = forwardCases.find((f) => f.name === 'layer_multi_out')!;
    write('mo-x.json', JSON.stringify(c.x));
    write('mo-k.json', JSON.stringify(c.k));
    expect(cli('corr2d', '--x', 'mo-x.json', '--k', 'mo-k.json', '--out', 'mo-y.npy').status).toBe(0);
    if (!hasNumpy) return;
    const run = spawnSync(
      'python3',
      [
        '-c',
        `import numpy as np, json; a = np.load(${JSON.stringify(join(h.work, 'mo-y.npy'))}); print(json.dumps(a.tolist()))`,
      ],
      { encoding: 'utf8' },
    );
    expect(JSON.parse(run.stdout)).toEqual(c.expected.y);
  });
});

describe('train: the layer golden trajectories', () => {
  describe.each(trainCases)('$name', (c) => {
    const args = (): string[] => {
      write(`${c.name}-x.json`, JSON.stringify(c.x));
      write(`${c.name}-y.json`, JSON.stringify(c.y));
      write(`${c.name}-init.json`, JSON.stringify(c.init.weight));
      return [
        'train',
        '--x',
        `${c.name}-x.json`,
        '--y',
        `${c.name}-y.json`,
        '--init',
        `${c.name}-init.json`,
        '--kernel-shape',
        c.kernel_shape.join('x'),
        '--out-channels',
        String(c.out_channels),
        '--init-bias',
        Array.from(biasList(c.init.bias)).join(','),
        c.use_bias ? '--bias' : '--no-bias',
        '--lr',
        String(c.lr),
        '--steps',
        String(c.steps),
        '--loss',
        c.loss,
        '--optimizer',
        optimizerOf(c),
        ...geometry(c),
      ];
    };

    it('--json follows PyTorch, in the shapes of --init and the bias', () => {
      const r = cli(...args(), '--json');
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const out = JSON.parse(r.stdout) as { loss: number[]; weight: number[][]; bias: number | number[] };
      expectAllClose(out.loss, c.expected.loss, c.tolerance, 'loss');
      expect(nd(out.weight).shape).toEqual(nd(c.init.weight).shape);
      expectAllClose(flat(out.weight), flat(c.expected.weight), PARAM_TOLERANCE, 'weight');
      expect(typeof out.bias).toBe(typeof c.expected.bias);
      expectAllClose(biasList(out.bias), biasList(c.expected.bias), PARAM_TOLERANCE, 'bias');
    });

    it('--out writes .npy (2-D for one kernel, else O×C×kh×kw) and a Conv2d .safetensors', () => {
      const npyName = `${c.name}-w.npy`;
      expect(cli(...args(), '--out', npyName).status).toBe(0);
      expect(cli(...args(), '--out', `${c.name}-w.safetensors`).status).toBe(0);
      const bytes = readFileSync(join(h.work, `${c.name}-w.safetensors`));
      const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
      const header = JSON.parse(bytes.subarray(8, 8 + n).toString('utf8')) as Record<
        string,
        { shape: number[] }
      >;
      const [o, ci, kh, kw] = [
        c.out_channels,
        nd(c.x).shape.length === 3 ? nd(c.x).shape[0] : 1,
        ...c.kernel_shape,
      ];
      expect(header.weight.shape).toEqual([o, ci, kh, kw]);
      expect(header.bias.shape).toEqual([o]);
      if (!hasNumpy) return;
      const run = spawnSync(
        'python3',
        [
          '-c',
          `import numpy as np, json; a = np.load(${JSON.stringify(join(h.work, npyName))}); print(json.dumps({"shape": list(a.shape), "v": a.ravel().tolist()}))`,
        ],
        { encoding: 'utf8' },
      );
      const loaded = JSON.parse(run.stdout) as { shape: number[]; v: number[] };
      expect(loaded.shape).toEqual(o === 1 && ci === 1 ? [kh, kw] : [o, ci, kh, kw]);
      expectAllClose(loaded.v, flat(c.expected.weight), PARAM_TOLERANCE, 'npy');
    });
  });

  it('learns a 2-output layer from a colour PNG (--color), printing each kernel', () => {
    const png = new PNG({ width: 6, height: 5 });
    for (let i = 0; i < 30; i++) png.data.set([(i * 37) % 256, (i * 91) % 256, (i * 13) % 256, 255], i * 4);
    write('rgb.png', PNG.sync.write(png));
    write(
      'target.json',
      JSON.stringify([
        [
          [
            [1, 0],
            [0, 0],
          ],
          [
            [0, 0],
            [0, 0],
          ],
          [
            [0, 0],
            [0, -1],
          ],
        ],
        [
          [
            [0, 0],
            [0, 0],
          ],
          [
            [0, 1],
            [1, 0],
          ],
          [
            [0, 0],
            [0, 0],
          ],
        ],
      ]),
    );
    const r = cli(
      'train',
      '--x',
      'rgb.png',
      '--color',
      '--target-k',
      'target.json',
      '--kernel-shape',
      '2x2',
      '--out-channels',
      '2',
      '--optimizer',
      'adam',
      '--lr',
      '0.05',
      '--steps',
      '300',
      '--padding',
      '1',
      '--json',
    );
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as { loss: number[]; weight: number[][][][]; bias: number[] };
    expect(nd(out.weight).shape).toEqual([2, 3, 2, 2]);
    expect(out.bias).toEqual([0, 0]);
    expect(out.loss[299]).toBeLessThan(out.loss[0] / 100);
    const text = cli(
      'train',
      '--x',
      'rgb.png',
      '--color',
      '--kernel-shape',
      '2x2',
      '--out-channels',
      '2',
      '--target-k',
      'target.json',
      '--steps',
      '2',
      '--target-bias',
      '0.5,-0.5',
      '--bias',
    );
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/weight \(2×3×2×2, correlate\):\n\[0, 0\]:\n/);
    expect(text.stdout).toMatch(/\[1, 2\]:\n.*\n.*\nbias: \S+, \S+\n$/);
  });
});

describe('layer errors: one line, exit 2', () => {
  beforeAll(() => {
    write(
      'x3.json',
      JSON.stringify([
        [
          [1, 2],
          [3, 4],
        ],
        [
          [1, 2],
          [3, 4],
        ],
        [
          [1, 2],
          [3, 4],
        ],
      ]),
    );
  });

  it('names the file and the channels that do not match', () => {
    write('k2.json', JSON.stringify([[[1]], [[1]]]));
    expectOneLineError(
      cli('corr2d', '--x', 'x3.json', '--k', 'k2.json'),
      /k2\.json: the kernel has 2 input channels but the image x3\.json has 3/,
    );
  });

  it('refuses a bad --stride, a bias list of the wrong length, and a kernel that does not fit', () => {
    write(
      'x.json',
      JSON.stringify([
        [1, 2, 3],
        [4, 5, 6],
        [7, 8, 9],
      ]),
    );
    write(
      'k.json',
      JSON.stringify([
        [1, 0],
        [0, 1],
      ]),
    );
    expectOneLineError(
      cli('corr2d', '--x', 'x.json', '--k', 'k.json', '--stride', '0'),
      /--stride: "0" is not R,C or one number, each a whole number from 1 to 64/,
    );
    expectOneLineError(
      cli('corr2d', '--x', 'x.json', '--k', 'k.json', '--stride', '1,2,3'),
      /--stride: "1,2,3"/,
    );
    expectOneLineError(
      cli('corr2d', '--x', 'x.json', '--k', 'k.json', '--bias', '1,2'),
      /--bias: 2 values given but the layer has 1 output channel\./,
    );
    expectOneLineError(
      cli('corr2d', '--x', 'x.json', '--k', 'k.json', '--dilation', '3'),
      /k\.json: Kernel K is 2×2 \(4×4 with dilation 3\) but the image X is only 3×3/,
    );
    expectOneLineError(
      cli('corr2d', '--x', 'x.json', '--k', 'k.json', '--color'),
      /--color: x\.json is not a PNG or JPEG image/,
    );
  });

  it('refuses CSV for several channels before doing any work', () => {
    write(
      'k33.json',
      JSON.stringify([
        [[[1]], [[1]], [[1]]],
        [[[1]], [[0]], [[1]]],
      ]),
    );
    expectOneLineError(
      cli('corr2d', '--x', 'x3.json', '--k', 'k33.json', '--out', 'y.csv'),
      /--out y\.csv: Y has several channels and CSV holds one 2-D matrix/,
    );
    write(
      'y3.json',
      JSON.stringify([
        [
          [1, 2],
          [3, 4],
        ],
        [
          [1, 2],
          [3, 4],
        ],
      ]),
    );
    expectOneLineError(
      cli(
        'train',
        '--x',
        'x3.json',
        '--y',
        'y3.json',
        '--kernel-shape',
        '1x1',
        '--out-channels',
        '2',
        '--out',
        'w.csv',
      ),
      /--out w\.csv: CSV holds one 2-D kernel; this layer is 2×3×1×1/,
    );
    expectOneLineError(
      cli('train', '--x', 'x3.json', '--y', 'y3.json', '--kernel-shape', '1x1', '--out-channels', '3'),
      /y3\.json: Y is 2×2×2 but a 3×3×1×1 layer \(stride 1,1, padding 0,0, dilation 1,1\) on the 3×2×2 image x3\.json gives 3×2×2\./,
    );
  });
});
