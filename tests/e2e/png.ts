import { createRequire } from 'node:module';

interface PngImage {
  width: number;
  height: number;
  data: Buffer;
}

/** pngjs ships no types; these are the calls the tests need. */
export const { PNG } = createRequire(import.meta.url)('pngjs') as {
  PNG: {
    new (size: { width: number; height: number }): PngImage;
    sync: { read(buffer: Buffer): PngImage; write(png: PngImage): Buffer };
  };
};
