import { createRequire } from 'node:module';

/** pngjs ships no types; this is the one call the tests need. */
export const { PNG } = createRequire(import.meta.url)('pngjs') as {
  PNG: { sync: { read(buffer: Buffer): { width: number; height: number; data: Buffer } } };
};
