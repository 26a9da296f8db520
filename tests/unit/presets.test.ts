import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromRows, toRows, zeros } from '#core/matrix';
import {
  directionalEdgeKernel,
  PRESET_GROUPS,
  PRESETS,
  presetById,
  presetKernel,
  presetState,
  sanityImage,
} from '#core/presets';
import { LIMITS } from '#core/types';
import { toNested3 } from '#core/tensor';
import { defaultLayer } from '#core/workspace/index';
import { layerDocumentOf, layerY } from '../helpers/layer-documents';
import { en } from '../../renderer/src/i18n/en';
import { zh } from '../../renderer/src/i18n/zh';

interface Golden {
  x: number[][];
  k: number[][];
  expected: { y: number[][] };
}
const golden = (name: string): Golden =>
  JSON.parse(readFileSync(resolve(import.meta.dirname, '../golden', `${name}.json`), 'utf8')) as Golden;

/** Output channel 1 of the preset's layer, applied on the default document. */
function run(id: string): number[][] {
  return toNested3(layerY(layerDocumentOf(id)))[0];
}
const xOf = (id: string) => layerDocumentOf(id).channels[0];
const kOf = (id: string) => presetKernel(presetById(id)!);

describe('presets', () => {
  it.each([
    ['sanity', 'corr2d_sanity'],
    ['edge', 'edge_vertical'],
    ['edgeTransposed', 'edge_transposed'],
  ])('%s reproduces golden %s', (id, file) => {
    const g = golden(file);
    expect(toRows(xOf(id))).toEqual(g.x);
    expect(toRows(kOf(id))).toEqual(g.k);
    expect(run(id)).toEqual(g.expected.y);
  });

  it('every preset has a unique id, a known group, a layer within limits with an output, and a name (and note) in both languages', () => {
    const ids = new Set(PRESETS.map((p) => p.id));
    expect(ids.size).toBe(PRESETS.length);
    const catalogs: Record<string, string>[] = [en, zh];
    for (const p of PRESETS) {
      expect([...PRESET_GROUPS, 'layer'] as string[]).toContain(p.group);
      const doc = layerDocumentOf(p.id);
      const k = doc.kernels[0][0];
      expect(k.rows).toBeLessThanOrEqual(LIMITS.maxKernelSide);
      expect(k.cols).toBeLessThanOrEqual(LIMITS.maxKernelSide);
      const y = layerY(doc);
      expect(y.rows * y.cols, p.id).toBeGreaterThan(0);
      expect([...y.data].every(Number.isFinite)).toBe(true);
      for (const catalog of catalogs) {
        if (p.group === 'layer') {
          expect(catalog[`layerPreset.${p.id}`], `${p.id} name`).toBeTruthy();
          continue;
        }
        expect(catalog[`preset.${p.id}.name`], `${p.id} name`).toBeTruthy();
        expect(catalog[`preset.${p.id}.note`], `${p.id} note`).toBeTruthy();
      }
    }
    for (const g of PRESET_GROUPS) expect(PRESETS.some((p) => p.group === g)).toBe(true);
  });

  it('convolution vs correlation: the sanity case with K flipped', () => {
    expect(presetById('convolveVsCorrelate')?.state.mode).toBe('convolve');
    expect(run('convolveVsCorrelate')).toEqual([
      [5, 11],
      [23, 29],
    ]);
  });

  it('covers the classic kernels and the d2l exercises', () => {
    for (const id of [
      'identity',
      'boxBlur',
      'gaussian',
      'sharpen',
      'sobelX',
      'sobelY',
      'prewitt',
      'laplacian',
      'emboss',
    ])
      expect(presetById(id)?.group).toBe('classic');
    for (const id of [
      'diagonal',
      'diagonalTransposeX',
      'diagonalTransposeK',
      'edgeDirection',
      'secondDerivative',
      'blur',
      'matrixProduct',
    ])
      expect(presetById(id)?.group).toBe('exercises');
  });

  it('blur kernels sum to 1, derivative kernels to 0', () => {
    const sum = (id: string): number => kOf(id).data.reduce((a, b) => a + b, 0);
    for (const id of ['boxBlur', 'gaussian', 'blur', 'identity', 'sharpen'])
      expect(sum(id)).toBeCloseTo(1, 5);
    for (const id of ['sobelX', 'sobelY', 'prewitt', 'laplacian', 'secondDerivative', 'edgeDirection'])
      expect(sum(id)).toBeCloseTo(0, 5);
  });

  it('the identity kernel copies the interior of X', () => {
    const x = xOf('identity');
    expect(run('identity')[0][0]).toBe(x.data[x.cols + 1]);
  });

  it('the diagonal exercises: transposing X flips the sign, the second derivative is zero on ramps', () => {
    const a = run('diagonal');
    const b = run('diagonalTransposeX');
    expect(a[0][0]).toBe(0);
    expect(a.flat().some((v) => v !== 0)).toBe(true);
    expect(
      b
        .flat()
        .filter((v) => v !== 0)
        .every((v) => v === 1),
    ).toBe(true);
    expect(
      a
        .flat()
        .filter((v) => v !== 0)
        .every((v) => v === -1),
    ).toBe(true);
    const d2 = run('secondDerivative')[0];
    expect(d2).toEqual([0, 1, 0, 0, 0, -1, 0, 0]);
  });

  it('directional edge kernels are Sobel x at 0° and Sobel y at 90°', () => {
    expect(toRows(directionalEdgeKernel(0))).toEqual(toRows(kOf('sobelX')));
    expect(toRows(directionalEdgeKernel(90))).toEqual(toRows(kOf('sobelY')));
  });

  it('a preset that names only K keeps a large user X, applying K to each of its channels; a small X gives way to the demo', () => {
    const big = fromRows(Array.from({ length: 10 }, () => Array(10).fill(0.5)));
    const photo = { ...defaultLayer(), channels: [big, big, zeros(10, 10)], stride: [3, 4] as const };
    const sobel = presetState(presetById('sobelX')!, photo);
    expect(sobel.channels).toBe(photo.channels);
    // Output o reads input o through K: a colour X gives a colour Y.
    expect(sobel.kernels!.map((row) => row.map((k) => k.data.some((v) => v !== 0)))).toEqual([
      [true, false, false],
      [false, true, false],
      [false, false, true],
    ]);
    expect(sobel.stride).toBeUndefined();
    const small = layerDocumentOf('sobelX', { ...defaultLayer(), channels: [sanityImage()] });
    expect(small.channels).toEqual([presetById('sobelX')!.demoX]);
    expect(layerDocumentOf('edge', { ...defaultLayer(), channels: [big] }).channels[0]).not.toBe(big);
  });
});
