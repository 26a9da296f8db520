/** The app's own 16-bit PNG decoder (renderer/src/lib/files/image-grid.ts): full precision, fitted by area average. */
import { describe, expect, it } from 'vitest';
import { decodePng16File } from '../../renderer/src/lib/files/png16';
import { greyIdat, greyPng, IEND, ihdr, PNG_SIGNATURE } from '../helpers/png-chunks';

const fileOf = (bytes: Buffer, name = 'g.png') =>
  new File([new Uint8Array(bytes)], name, { type: 'image/png' });

describe('decodePng16File', () => {
  it('reads 16-bit grey at full precision (RGBA on the 0..255 scale, opaque)', async () => {
    const px = await decodePng16File(fileOf(greyPng([[1000, 65535]], 16)), 64);
    expect(px && [px.width, px.height]).toEqual([2, 1]);
    expect(Array.from(px!.data)).toEqual(
      [1000, 1000, 1000, 65535, 65535, 65535, 65535, 65535].map((v, i) =>
        Math.fround(i % 4 === 3 ? 255 : (v * 255) / 65535),
      ),
    );
  });

  it('fits a larger image into maxSide by averaging the area each cell covers', async () => {
    const rows = [
      [0, 65535, 1000, 3000],
      [65535, 0, 5000, 7000],
    ];
    const px = (await decodePng16File(fileOf(greyPng(rows, 16)), 2))!;
    expect([px.width, px.height]).toEqual([2, 1]);
    expect(px.data[0]).toBeCloseTo(255 / 2, 4);
    expect(px.data[4]).toBeCloseTo((4000 * 255) / 65535, 4);
  });

  it('leaves 8-bit PNGs to the browser, and refuses a second IHDR as the CLI does', async () => {
    expect(await decodePng16File(fileOf(greyPng([[200]], 8)), 64)).toBeNull();
    const twice = Buffer.concat([
      PNG_SIGNATURE,
      ihdr(1, 1, 16, 0),
      ihdr(4000, 4000, 16, 0),
      greyIdat([[1]], 16),
      IEND,
    ]);
    await expect(decodePng16File(fileOf(twice, 'two.png'), 64)).rejects.toThrow(
      /two\.png: the PNG has a second IHDR chunk/,
    );
  });
});
