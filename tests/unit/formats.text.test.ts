/** Matrix text formats (JSON, CSV), importKernel by extension, and the text exports. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KernelStudioError } from '#core/errors';
import {
  exportLayer,
  importKernel,
  parseMatrixCsv,
  parseMatrixJson,
  serializeMatrixCsv,
  serializeMatrixJson,
  parseDecimal,
} from '#core/formats/index';
import { decodeUtf8, encodeUtf8 } from '#core/formats/utf8';
import { convSpec } from '#core/layer';
import { fromRows, toRows } from '#core/matrix';
import { oneKernelExport } from '../helpers/one-kernel';

const FIXTURES = join(import.meta.dirname, '../fixtures');
const fixture = (name: string): Uint8Array => readFileSync(join(FIXTURES, name));

/** The KernelStudioError thrown by `fn`, so tests can check code and message together. */
function errorOf(fn: () => unknown): KernelStudioError {
  try {
    fn();
  } catch (e) {
    if (e instanceof KernelStudioError) return e;
    throw e;
  }
  throw new Error('expected a KernelStudioError');
}

const float32Grid = fc.tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 })).chain(([r, c]) =>
  fc.array(fc.array(fc.float({ noNaN: true, noDefaultInfinity: true }), { minLength: c, maxLength: c }), {
    minLength: r,
    maxLength: r,
  }),
);

describe('matrix JSON', () => {
  it('round-trips any float32 grid exactly', () => {
    fc.assert(
      fc.property(float32Grid, (rows) => {
        const m = fromRows(rows);
        expect(toRows(parseMatrixJson(serializeMatrixJson(m), 'k.json'))).toEqual(toRows(m));
      }),
    );
  });

  it('prints float32 values in their shortest form', () => {
    expect(serializeMatrixJson(fromRows([[0.3, -1]]))).toBe('[\n  [0.3, -1]\n]\n');
  });

  it('accepts our one-channel layer export (weight 1×1×kh×kw) as its kernel', () => {
    const file = exportLayer('json', oneKernelExport(fromRows([[1, -1]]), 0.5, 'convolve'));
    const parsed = JSON.parse(decodeUtf8(file.bytes, 'k.json')) as Record<string, unknown>;
    expect(parsed.mode).toBe('convolve');
    expect(parsed.bias).toEqual([0.5]);
    expect(parsed.weight).toEqual([[[[1, -1]]]]);
    expect(String(parsed.layout)).toMatch(/OIHW/);
    expect(toRows(importKernel(file.bytes, 'k.json'))).toEqual([[1, -1]]);
    expect(toRows(parseMatrixJson('{"weight": [[[[2, 3], [4, 5]]]]}', 'k.json'))).toEqual([
      [2, 3],
      [4, 5],
    ]);
  });

  it('refuses, saying why, a layer export of several kernels as one kernel', () => {
    const layer = exportLayer('json', {
      weight: { outChannels: 2, inChannels: 1, rows: 1, cols: 2, data: Float32Array.of(1, -1, 2, 3) },
      bias: [0, 0],
      spec: convSpec({ outChannels: 2, kernel: [1, 2] }),
    });
    const e = errorOf(() => importKernel(layer.bytes, 'layer.json'));
    expect(e.code).toBe('unsupported');
    expect(e.message).toBe(
      'layer.json: the weight holds 2×1 kernels (out×in); a kernel import reads one kh×kw kernel.',
    );
  });

  it('names the file for broken JSON, ragged rows and non-numbers', () => {
    expect(errorOf(() => parseMatrixJson('[[1, 2]', 'k.json')).message).toMatch(/^k\.json: not valid JSON/);
    expect(errorOf(() => parseMatrixJson('[[1, 2], [3]]', 'k.json')).code).toBe('ragged');
    expect(errorOf(() => parseMatrixJson('[]', 'k.json')).code).toBe('empty');
    expect(errorOf(() => parseMatrixJson('{"a": 1}', 'k.json')).message).toMatch(/2-D array/);
  });
});

describe('matrix CSV', () => {
  it('round-trips any float32 grid exactly', () => {
    fc.assert(
      fc.property(float32Grid, (rows) => {
        const m = fromRows(rows);
        expect(toRows(parseMatrixCsv(serializeMatrixCsv(m, ['a comment']), 'k.csv'))).toEqual(toRows(m));
      }),
    );
  });

  it.each([
    ['comma', '1,2\n3,4'],
    ['semicolon', '1;2\n3;4\n'],
    ['tab', '1\t2\r\n3\t4\r\n'],
    ['whitespace', '  1   2\n3 4\n\n'],
    ['comments and BOM', '\ufeff# kernel\n1, 2\n# middle\n3, 4\n'],
  ])('reads %s separated values', (_label, text) => {
    expect(toRows(parseMatrixCsv(text, 'k.csv'))).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });

  it('rejects a header naming line and column', () => {
    const e = errorOf(() => importKernel(fixture('header.csv'), 'header.csv'));
    expect(e.code).toBe('format');
    expect(e.message).toBe(
      'header.csv: line 1, column 1: "a" is not a number (header rows are not supported: remove it).',
    );
    expect(errorOf(() => parseMatrixCsv('1,2\n3,x\n', 'k.csv')).message).toBe(
      'k.csv: line 2, column 2: "x" is not a number.',
    );
    expect(errorOf(() => parseMatrixCsv('1,,2\n', 'k.csv')).message).toBe(
      'k.csv: line 1, column 2 is empty.',
    );
  });

  it('reports ragged rows, NaN and empty files through validation', () => {
    const ragged = errorOf(() => importKernel(fixture('ragged.csv'), 'ragged.csv'));
    expect(ragged.code).toBe('ragged');
    expect(ragged.message).toMatch(/ragged\.csv row 2 has 2 values/);
    const nan = errorOf(() => importKernel(fixture('nan.csv'), 'nan.csv'));
    expect(nan.code).toBe('non-finite');
    expect(nan.message).toMatch(/nan\.csv at row 2, column 2 is NaN/);
    expect(errorOf(() => parseMatrixCsv('# only a comment\n\n', 'k.csv')).code).toBe('empty');
  });
});

describe('importKernel', () => {
  it('reads each supported extension', () => {
    expect(toRows(importKernel(fixture('k_edge.csv'), 'k_edge.csv'))).toEqual([[1, -1]]);
    expect(toRows(importKernel(encodeUtf8('[[1, -1]]'), 'K.JSON'))).toEqual([[1, -1]]);
    expect(
      toRows(
        importKernel(exportLayer('npy', oneKernelExport(fromRows([[2, 3]]), 0, 'correlate')).bytes, 'k.npy'),
      ),
    ).toEqual([[2, 3]]);
  });

  it('refuses unknown extensions and binary text', () => {
    expect(errorOf(() => importKernel(new Uint8Array([1]), 'k.bmp')).message).toMatch(
      /k\.bmp: unknown file type "\.bmp"/,
    );
    expect(errorOf(() => importKernel(new Uint8Array([0xff, 0xfe, 0x31]), 'k.csv')).message).toMatch(
      /not UTF-8/,
    );
  });
});

describe('utf8', () => {
  it('matches Node for any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => {
        const bytes = encodeUtf8(s);
        expect(Buffer.from(bytes).equals(Buffer.from(s, 'utf8'))).toBe(true);
        expect(decodeUtf8(bytes, 'x')).toBe(s.charCodeAt(0) === 0xfeff ? s.slice(1) : s);
      }),
    );
  });
});

describe('parseDecimal: the one number grammar for text', () => {
  it('accepts decimal and exponent forms only', () => {
    for (const [text, value] of [
      ['3', 3],
      ['-0.5', -0.5],
      ['.25', 0.25],
      ['1.', 1],
      ['+2E+4', 20000],
      ['1e-3', 0.001],
    ] as const)
      expect(parseDecimal(text)).toBe(value);
    for (const text of [
      '0x50',
      '0x10',
      '1_0',
      ' ',
      '',
      ' 1',
      '1 ',
      'Infinity',
      'NaN',
      '0b1',
      '0o7',
      '1e',
      'e5',
      '--1',
      '.',
    ])
      expect(parseDecimal(text), JSON.stringify(text)).toBeUndefined();
  });

  it('is what CSV cells use: 0x10 in a CSV is not a number', () => {
    expect(() => importKernel(encodeUtf8('1,0x10\n'), 'k.csv')).toThrow(/"0x10" is not a number/);
  });
});
