/** ImageMagick and code-snippet exports: semantics named, convolve handled by the right flip. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { forwardCpu } from '#core/cpu/index';
import type { ExportFormat } from '#core/formats/index';
import {
  exportLayer,
  IMAGEMAGICK_PROGRAMS,
  imageMagickCommand,
  imageMagickKernel,
} from '#core/formats/index';
import type { ImageMagickVersion } from '#core/formats/imagemagick';
import { decodeUtf8 } from '#core/formats/utf8';
import type { Matrix } from '#core/matrix';
import { fromRows } from '#core/matrix';
import type { Mode } from '#core/types';
import { oneKernelExport } from '../helpers/one-kernel';

const K = fromRows([
  [1, 2, 3],
  [4, 5, 6],
]);
/** What the app and the CLI write for kernel k: the one-channel valid layer it is. */
const exported = (format: ExportFormat, mode: Mode, bias = 0, k: Matrix = K) =>
  exportLayer(format, oneKernelExport(k, bias, mode));
const text = (format: ExportFormat, mode: Mode, bias = 0, k: Matrix = K): string =>
  decodeUtf8(exported(format, mode, bias, k).bytes, format);

describe('ImageMagick export', () => {
  it('writes WxH (columns first), row-major', () => {
    expect(imageMagickKernel(K)).toBe('3x2: 1,2,3,4,5,6');
  });

  it('uses Correlate as is, and Convolve (which rotates 180°) with the same K', () => {
    expect(imageMagickCommand(K, 0, 'correlate')).toBe(
      "magick input.png -grayscale Rec601Luma -morphology Correlate '3x2+0+0: 1,2,3,4,5,6' -gravity SouthEast -chop 2x1 +repage output.png",
    );
    expect(imageMagickCommand(K, 0.5, 'convolve')).toBe(
      "magick input.png -grayscale Rec601Luma -define convolve:bias=50% -morphology Convolve '3x2+0+0: 1,2,3,4,5,6' -gravity NorthWest -chop 2x1 +repage output.png",
    );
    expect(imageMagickCommand(K, 0, 'correlate', 6)).toBe(
      "convert input.png -grayscale Rec601Luma -morphology Correlate '3x2+0+0: 1,2,3,4,5,6' -gravity SouthEast -chop 2x1 +repage output.png",
    );
    const file = exported('imagemagick', 'convolve');
    expect(file.extension).toBe('txt');
    expect(text('imagemagick', 'convolve')).toMatch(/Convolve rotates it 180°/);
    // Both versions' commands, each under a line that names its version and program.
    const lines = text('imagemagick', 'correlate').split('\n');
    for (const [version, program] of [
      [7, 'magick'],
      [6, 'convert'],
    ] as const) {
      const at = lines.indexOf(`# ImageMagick ${version}: the program is \`${program}\`.`);
      expect(lines[at + 1]).toBe(imageMagickCommand(K, 0, 'correlate', version));
    }
  });
});

describe('PyTorch and MXNet snippets', () => {
  it('keeps K in correlate mode and names the layout', () => {
    const py = text('pytorch', 'correlate');
    expect(py).toContain(
      'nn.Conv2d(1, 1, kernel_size=(2, 3), stride=(1, 1), padding=(0, 0), dilation=(1, 1), bias=False)',
    );
    expect(py).toContain(
      'conv.weight.data = torch.tensor([[[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]]], dtype=torch.float32)',
    );
    expect(py).toMatch(/OIHW.*not HWIO/);
    expect(py).toMatch(/cross-correlation/);
  });

  it('rotates K by 180° in convolve mode and sets the bias', () => {
    const py = text('pytorch', 'convolve', 0.25);
    expect(py).toContain('torch.tensor([[[[6.0, 5.0, 4.0], [3.0, 2.0, 1.0]]]]');
    expect(py).toContain('bias=True');
    expect(py).toContain('conv.bias.data = torch.tensor([0.25], dtype=torch.float32)');
    expect(py).toMatch(/rotated 180°/);
    const mx = text('mxnet', 'convolve', 0.25);
    expect(mx).toContain(
      'nn.Conv2D(1, kernel_size=(2, 3), strides=(1, 1), padding=(0, 0), dilation=(1, 1), in_channels=1, use_bias=True)',
    );
    expect(mx).toContain('conv2d.weight.set_data(nd.array([[[[6.0, 5.0, 4.0], [3.0, 2.0, 1.0]]]]))');
    expect(mx).toContain('conv2d.bias.set_data(nd.array([0.25]))');
  });

  it('gives each format a mime type and extension', () => {
    expect(exported('pytorch', 'correlate')).toMatchObject({ mime: 'text/x-python', extension: 'py' });
    expect(exported('csv', 'correlate')).toMatchObject({ mime: 'text/csv', extension: 'csv' });
    expect(exported('safetensors', 'correlate').extension).toBe('safetensors');
    expect(text('csv', 'convolve')).toMatch(
      /^# .*\n# stride 1,1, padding 0,0, dilation 1,1\n# mode convolve/,
    );
  });
});

/** The major version of the ImageMagick that `program` runs, if it is a real one (a stand-in may not answer). */
function versionOf(program: string): ImageMagickVersion | undefined {
  const run = spawnSync(program, ['-version'], { encoding: 'utf8' });
  const major = /^Version: ImageMagick (\d+)\./m.exec(run.status === 0 ? run.stdout : '')?.[1];
  return major === '6' || major === '7' ? (Number(major) as ImageMagickVersion) : undefined;
}
/** The installed version whose program is the one our command names for it (IM7 `magick`, IM6 `convert`). */
const imageMagick = ([7, 6] as const).find((v) => versionOf(IMAGEMAGICK_PROGRAMS[v]) === v);
if (!imageMagick) console.warn('formats.exports: no ImageMagick found; skipping the command-line check.');

/** The installed version's command line as the exported .txt writes it for kernel k. */
function exportedCommand(k: Matrix, bias: number, mode: Mode): string {
  const lines = text('imagemagick', mode, bias, k).split('\n');
  const heading = `# ImageMagick ${imageMagick}: the program is \`${IMAGEMAGICK_PROGRAMS[imageMagick!]}\`.`;
  expect(lines).toContain(heading);
  return lines[lines.indexOf(heading) + 1];
}

/** Splits our suggested command on spaces, keeping '…' quoted parts whole. */
function splitCommand(command: string): string[] {
  return (command.match(/'[^']*'|\S+/g) ?? []).map((part) => part.replace(/^'|'$/g, ''));
}

describe.skipIf(!imageMagick)(`the exported ImageMagick ${imageMagick} command, run as written`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'ks-im-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const x = fromRows([
    [0.1, 0.2, 0.3, 0.4, 0.05],
    [0.05, 0.06, 0.07, 0.08, 0.1],
    [0.01, 0.02, 0.03, 0.04, 0.2],
  ]);
  const k = fromRows([
    [0.5, 0.25],
    [0.125, 0.1],
  ]);

  it.each(['correlate', 'convolve'] as const)('reproduces Y in %s mode', (mode) => {
    const input = join(dir, `x-${mode}.pgm`);
    const output = join(dir, `y-${mode}.pgm`);
    const levels = Array.from(x.data, (v) => Math.round(v * 65535));
    writeFileSync(input, `P2\n${x.cols} ${x.rows}\n65535\n${levels.join(' ')}\n`);
    const [program, ...args] = splitCommand(exportedCommand(k, 0.1, mode));
    expect(program).toBe(IMAGEMAGICK_PROGRAMS[imageMagick!]);
    args[0] = input;
    const run = spawnSync(program, [...args.slice(0, -1), '-depth', '16', '-compress', 'none', output], {
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    const [, width, height, max, ...values] = readFileSync(output, 'utf8').trim().split(/\s+/).map(Number);
    const y = forwardCpu(x, k, { mode, bias: 0.1, activation: 'none' });
    expect([height, width]).toEqual([y.rows, y.cols]);
    values.forEach((v, i) => expect(v / max).toBeCloseTo(y.data[i], 3));
  });

  it("turns a colour image grey with the app's weights (0.299 R + 0.587 G + 0.114 B), as the CLI's PNG import does", () => {
    const input = join(dir, 'rgb.ppm');
    const output = join(dir, 'grey.pgm');
    const rgb = [200, 50, 10, 30, 220, 90];
    writeFileSync(input, `P3\n2 1\n255\n${rgb.join(' ')}\n`);
    const [program, ...args] = splitCommand(exportedCommand(fromRows([[1]]), 0, 'correlate'));
    args[0] = input;
    const run = spawnSync(program, [...args.slice(0, -1), '-depth', '16', '-compress', 'none', output], {
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    const [, , , max, ...values] = readFileSync(output, 'utf8').trim().split(/\s+/).map(Number);
    const luma = (p: number): number => (0.299 * rgb[p] + 0.587 * rgb[p + 1] + 0.114 * rgb[p + 2]) / 255;
    // IM's Rec601Luma uses 0.298839/0.586811/0.114350: within 3e-4 (Rec. 709 was 0.04 off here).
    values.forEach((v, i) => expect(Math.abs(v / max - luma(3 * i))).toBeLessThan(3e-4));
  });
});
