/** The one output-shape formula (core/layer.ts): PyTorch's, checked on every layer golden case and by hand. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KernelStudioError } from '#core/errors';
import type { ConvSpec } from '#core/layer';
import {
  checkConvSpec,
  convSpec,
  isSingleChannelValid,
  layerOutputShape,
  outputShape,
  samePadding,
  validGeometry,
  validOutputShape,
} from '#core/layer';
import { ndArrayFromNested, tensor3Of, weightsOf } from '#core/tensor';
import { loadLayerGolden, nd, specOf, xOf } from '../helpers/golden';

function errorOf(f: () => unknown): KernelStudioError {
  try {
    f();
  } catch (e) {
    if (e instanceof KernelStudioError) return e;
    throw e;
  }
  throw new Error('expected a KernelStudioError');
}

describe('outputShape', () => {
  it.each(loadLayerGolden())('gives the shape PyTorch produced for $name', (c) => {
    const w = weightsOf(nd(c.op === 'forward' ? c.k : c.init.weight), 'k');
    const x = xOf(c);
    const y = tensor3Of(nd(c.op === 'forward' ? c.expected.y : c.y), 'y');
    expect(outputShape(specOf(c, w), x)).toEqual({ rows: y.rows, cols: y.cols });
    expect(layerOutputShape(specOf(c, w), x)).toEqual({ rows: y.rows, cols: y.cols });
  });

  it("is d2l's padding and stride examples", () => {
    const x = { rows: 8, cols: 8 };
    expect(outputShape(convSpec({ kernel: [3, 3], padding: [1, 1] }), x)).toEqual({ rows: 8, cols: 8 });
    expect(outputShape(convSpec({ kernel: [5, 3], padding: [2, 1] }), x)).toEqual({ rows: 8, cols: 8 });
    expect(outputShape(convSpec({ kernel: [3, 3], padding: [1, 1], stride: [2, 2] }), x)).toEqual({
      rows: 4,
      cols: 4,
    });
    expect(outputShape(convSpec({ kernel: [3, 5], padding: [0, 1], stride: [3, 4] }), x)).toEqual({
      rows: 2,
      cols: 2,
    });
  });

  it('is H−kh+1 × W−kw+1 for the valid geometry', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 31 }),
        fc.integer({ min: 1, max: 31 }),
        (h, w, kh, kw) => {
          expect(outputShape(validGeometry({ rows: kh, cols: kw }), { rows: h, cols: w })).toEqual({
            rows: h - kh + 1,
            cols: w - kw + 1,
          });
          const v = validOutputShape({ rows: h, cols: w }, { rows: kh, cols: kw });
          expect(v).toEqual(kh <= h && kw <= w ? { rows: h - kh + 1, cols: w - kw + 1 } : null);
        },
      ),
    );
  });

  it('"same" padding keeps the size for odd extents and is null for even ones', () => {
    expect(samePadding({ kernel: [3, 5], dilation: [1, 2] })).toEqual([1, 4]);
    expect(samePadding({ kernel: [2, 3], dilation: [1, 1] })).toBeNull();
    const spec = convSpec({ kernel: [3, 5], dilation: [1, 2], padding: [1, 4] });
    expect(outputShape(spec, { rows: 9, cols: 11 })).toEqual({ rows: 9, cols: 11 });
  });
});

describe('layer validation', () => {
  const base: ConvSpec = convSpec({ kernel: [3, 3] });

  it('says why a kernel does not fit, naming the dilated span and the padded size', () => {
    const e = errorOf(() => layerOutputShape({ ...base, dilation: [2, 2] }, { rows: 4, cols: 4 }));
    expect(e.code).toBe('kernel-too-large');
    expect(e.message).toBe(
      'Kernel K is 3×3 (5×5 with dilation 2) but the image X is only 4×4: the kernel must fit inside the padded image.',
    );
    const p = errorOf(() =>
      layerOutputShape({ ...base, kernel: [7, 3], padding: [1, 0] }, { rows: 4, cols: 4 }),
    );
    expect(p.message).toMatch(/Kernel K is 7×3 but the image X padded by \(1, 0\) is only 6×4/);
    // Padding makes a kernel larger than X fit, as in PyTorch.
    expect(layerOutputShape({ ...base, kernel: [5, 5], padding: [1, 1] }, { rows: 4, cols: 4 })).toEqual({
      rows: 2,
      cols: 2,
    });
  });

  it.each([
    [{ stride: [0, 1] }, /stride is \[0, 1\]: it must be two whole numbers from 1 to 64/],
    [{ padding: [-1, 0] }, /padding is \[-1, 0\]/],
    [{ dilation: [1.5, 1] }, /dilation is \[1.5, 1\]/],
    [{ kernel: [0, 1] }, /kernel size is \[0, 1\]: it must be two whole numbers ≥ 1 \(rows, cols\)/],
    [{ inChannels: 0 }, /number of input channels is 0/],
    [{ outChannels: 65 }, /number of output channels is 65/],
    [{ mode: 'flip' }, /Unknown mode "flip"/],
    [{ activation: 'tanh' }, /Unknown activation "tanh"/],
  ])('refuses %j', (change, message) => {
    const e = errorOf(() => checkConvSpec({ ...base, ...(change as Partial<ConvSpec>) }));
    expect(e.code).toBe('invalid-argument');
    expect(e.message).toMatch(message);
  });

  it('refuses a kernel over the size limit as the single-channel check does', () => {
    const e = errorOf(() => checkConvSpec({ ...base, kernel: [32, 1] }));
    expect(e.code).toBe('too-large');
    expect(e.message).toBe('The kernel K is 32×1, over the limit of 31×31.');
  });

  it('knows the single-channel valid layer', () => {
    expect(isSingleChannelValid(base)).toBe(true);
    expect(isSingleChannelValid({ ...base, padding: [0, 1] })).toBe(false);
    expect(isSingleChannelValid({ ...base, inChannels: 2 })).toBe(false);
  });
});

describe('ndArrayFromNested', () => {
  it('reads ranks 1 to 4 and says where input is ragged or not finite', () => {
    expect(ndArrayFromNested([[[1, 2]], [[3, 4]]], 'X', 100).shape).toEqual([2, 1, 2]);
    expect(errorOf(() => ndArrayFromNested([[[1, 2]], [[3]]], 'X', 100)).message).toBe(
      'X[1][0] has 1 entries but the first has 2.',
    );
    expect(errorOf(() => ndArrayFromNested([[1, 'a']], 'X', 100)).message).toBe('X[0][1] is not a number.');
    expect(errorOf(() => ndArrayFromNested([[1, 2]], 'X', 1)).code).toBe('too-large');
    expect(errorOf(() => ndArrayFromNested([[[[[1]]]]], 'X', 100)).code).toBe('invalid-argument');
  });
});
