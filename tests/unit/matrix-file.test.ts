import { describe, expect, it } from 'vitest';
import { matrixFromFile } from '../../renderer/src/lib/files/matrix-file';

const encode = (text: string): Uint8Array => new TextEncoder().encode(text);
const table = (rows: number, cols: number): string =>
  Array.from({ length: rows }, (_, r) =>
    Array.from({ length: cols }, (_, c) => (r * cols + c) / 1000).join(','),
  ).join('\n');

describe('matrixFromFile: a big text kernel is refused at its first line over the limit', () => {
  it('a 16 MB CSV of 1300×2000 values meant for K (31×31) is refused from its first line', () => {
    const bytes = encode(table(1300, 2000));
    expect(bytes.length).toBeGreaterThan(16e6);
    expect(() => matrixFromFile(bytes, 'big.csv')).toThrow(
      'big.csv has more than 31 columns, over the limit of 31×31.',
    );
  });

  it('rows over the limit stop the parse at row 32; a 31×31 kernel and a wider grid where it is allowed still read', () => {
    // Row 33 is not a number: the parse stops before it.
    expect(() => matrixFromFile(encode(`${table(32, 31)}\n${'x,'.repeat(30)}x`), 'tall.csv')).toThrow(
      'tall.csv has more than 31 rows, over the limit of 31×31.',
    );
    const k = matrixFromFile(encode(table(31, 31)), 'k.csv');
    expect([k.rows, k.cols, k.data[31 * 31 - 1]]).toEqual([31, 31, Math.fround(0.96)]);
    const wide = matrixFromFile(encode(table(3, 40)), 'wide.csv', 3, 40);
    expect([wide.rows, wide.cols]).toEqual([3, 40]);
    expect(() => matrixFromFile(encode(table(4, 40)), 'y.csv', 3, 40)).toThrow(
      'y.csv: the grid is 4×40, over the limit of 3×40 here.',
    );
  });
});
