import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { forwardCpu } from '#core/cpu/index';
import { fromRows, toRows } from '#core/matrix';
import {
  directionalEdgeKernel,
  PRESET_GROUPS,
  PRESETS,
  presetById,
  presetImage,
  sanityImage,
} from '#core/presets';
import { LIMITS } from '#core/types';
import { en } from '../../renderer/src/i18n/en';
import { zh } from '../../renderer/src/i18n/zh';

interface Golden {
  x: number[][];
  k: number[][];
  expected: { y: number[][] };
}
const golden = (name: string): Golden =>
  JSON.parse(readFileSync(resolve(import.meta.dirname, '../golden', `${name}.json`), 'utf8')) as Golden;

function run(id: string): number[][] {
  const p = presetById(id)!;
  return toRows(forwardCpu(p.x, p.k, { mode: p.mode ?? 'correlate', bias: p.bias ?? 0, activation: 'none' }));
}

describe('presets', () => {
  it.each([
    ['sanity', 'corr2d_sanity'],
    ['edge', 'edge_vertical'],
    ['edgeTransposed', 'edge_transposed'],
  ])('%s reproduces golden %s', (id, file) => {
    const g = golden(file);
    const p = presetById(id)!;
    expect(toRows(p.x)).toEqual(g.x);
    expect(toRows(p.k)).toEqual(g.k);
    expect(run(id)).toEqual(g.expected.y);
  });

  it('every preset has a unique id, a known group, sizes within limits and a name and note in both languages', () => {
    const ids = new Set(PRESETS.map((p) => p.id));
    expect(ids.size).toBe(PRESETS.length);
    const catalogs: Record<string, string>[] = [en, zh];
    for (const p of PRESETS) {
      expect(PRESET_GROUPS).toContain(p.group);
      expect(p.k.rows).toBeLessThanOrEqual(LIMITS.maxKernelSide);
      expect(p.k.cols).toBeLessThanOrEqual(LIMITS.maxKernelSide);
      expect(p.x.rows).toBeGreaterThanOrEqual(p.k.rows);
      expect(p.x.cols).toBeGreaterThanOrEqual(p.k.cols);
      expect([...p.k.data, ...p.x.data].every(Number.isFinite)).toBe(true);
      for (const catalog of catalogs) {
        expect(catalog[`preset.${p.id}.name`], `${p.id} name`).toBeTruthy();
        expect(catalog[`preset.${p.id}.note`], `${p.id} note`).toBeTruthy();
      }
    }
    for (const g of PRESET_GROUPS) expect(PRESETS.some((p) => p.group === g)).toBe(true);
  });

  it('convolution vs correlation: the sanity case with K flipped', () => {
    expect(presetById('convolveVsCorrelate')?.mode).toBe('convolve');
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
    const sum = (id: string): number => presetById(id)!.k.data.reduce((a, b) => a + b, 0);
    for (const id of ['boxBlur', 'gaussian', 'blur', 'identity', 'sharpen'])
      expect(sum(id)).toBeCloseTo(1, 5);
    for (const id of ['sobelX', 'sobelY', 'prewitt', 'laplacian', 'secondDerivative', 'edgeDirection'])
      expect(sum(id)).toBeCloseTo(0, 5);
  });

  it('the identity kernel copies the interior of X', () => {
    const p = presetById('identity')!;
    const y = forwardCpu(p.x, p.k, { mode: 'correlate', bias: 0, activation: 'none' });
    expect(y.data[0]).toBe(p.x.data[p.x.cols + 1]);
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
    expect(toRows(directionalEdgeKernel(0))).toEqual(toRows(presetById('sobelX')!.k));
    expect(toRows(directionalEdgeKernel(90))).toEqual(toRows(presetById('sobelY')!.k));
  });

  it('kernel-only presets keep a large user X', () => {
    const big = fromRows(Array.from({ length: 10 }, () => Array(10).fill(0.5)));
    expect(presetImage(presetById('sobelX')!, big)).toBe(big);
    expect(presetImage(presetById('sobelX')!, sanityImage())).toBe(presetById('sobelX')!.x);
    expect(presetImage(presetById('edge')!, big)).toBe(presetById('edge')!.x);
  });
});
