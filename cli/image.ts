/**
 * PNG/JPEG → grayscale matrix in 0..1, so a photo can be the image X. Luminance uses
 * the Rec. 601 weights (0.299 R + 0.587 G + 0.114 B), as PIL's "L" mode does. With
 * colour kept, the image is a 3×H×W tensor (R, G, B channels, each in 0..1).
 */
import * as jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { KernelStudioError } from '#core/errors';
import type { Matrix } from '#core/matrix';
import type { Tensor3 } from '#core/tensor';
import { LIMITS } from '#core/types';

/** Refuses oversized images before their pixels are decoded. */
function checkSize(width: number, height: number, name: string): void {
  if (width > LIMITS.maxImageSide || height > LIMITS.maxImageSide)
    throw new KernelStudioError(
      'too-large',
      `${name} is ${height}×${width} pixels, over the limit of ${LIMITS.maxImageSide}×${LIMITS.maxImageSide}.`,
    );
}

function toGray(rgba: Uint8Array, width: number, height: number): Matrix {
  const data = new Float32Array(width * height);
  for (let i = 0; i < data.length; i++) {
    const p = i * 4;
    data[i] = (0.299 * rgba[p] + 0.587 * rgba[p + 1] + 0.114 * rgba[p + 2]) / 255;
  }
  return { rows: height, cols: width, data };
}

function toRgb(rgba: Uint8Array, width: number, height: number): Tensor3 {
  const size = width * height;
  const data = new Float32Array(3 * size);
  for (let i = 0; i < size; i++) for (let c = 0; c < 3; c++) data[c * size + i] = rgba[i * 4 + c] / 255;
  return { channels: 3, rows: height, cols: width, data };
}

function isPng(bytes: Uint8Array): boolean {
  return (
    bytes.length >= 24 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47
  );
}

/** Decodes a PNG (8- or 16-bit, any colour type; alpha ignored) to grayscale. */
export function decodePngGray(bytes: Uint8Array, name: string): Matrix {
  const png = decodePng(bytes, name);
  return toGray(png.data, png.width, png.height);
}

/** Decodes a PNG to R, G, B channels (alpha ignored; a grey PNG gives three equal channels). */
export function decodePngRgb(bytes: Uint8Array, name: string): Tensor3 {
  const png = decodePng(bytes, name);
  return toRgb(png.data, png.width, png.height);
}

function decodePng(bytes: Uint8Array, name: string): { data: Uint8Array; width: number; height: number } {
  if (!isPng(bytes)) throw new KernelStudioError('format', `${name}: not a PNG file.`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  checkSize(view.getUint32(16), view.getUint32(20), name); // IHDR width, height (big-endian)
  let png;
  try {
    png = PNG.sync.read(bytes);
  } catch (e) {
    throw new KernelStudioError(
      'format',
      `${name}: cannot decode PNG (${e instanceof Error ? e.message : String(e)}).`,
    );
  }
  if (png.width === 0 || png.height === 0) throw new KernelStudioError('empty', `${name} has no pixels.`);
  return png;
}

/** Decodes a baseline/progressive JPEG to grayscale, with jpeg-js's own size and memory caps. */
export function decodeJpegGray(bytes: Uint8Array, name: string): Matrix {
  const image = decodeJpeg(bytes, name);
  return toGray(image.data, image.width, image.height);
}

/** Decodes a JPEG to R, G, B channels. */
export function decodeJpegRgb(bytes: Uint8Array, name: string): Tensor3 {
  const image = decodeJpeg(bytes, name);
  return toRgb(image.data, image.width, image.height);
}

function decodeJpeg(bytes: Uint8Array, name: string): { data: Uint8Array; width: number; height: number } {
  let image;
  try {
    image = jpeg.decode(bytes, {
      useTArray: true,
      formatAsRGBA: true,
      maxResolutionInMP: Math.ceil((LIMITS.maxImageSide * LIMITS.maxImageSide) / 1e6),
      maxMemoryUsageInMB: 1024,
    });
  } catch (e) {
    throw new KernelStudioError(
      'format',
      `${name}: cannot decode JPEG (${e instanceof Error ? e.message : String(e)}).`,
    );
  }
  checkSize(image.width, image.height, name);
  if (image.width === 0 || image.height === 0) throw new KernelStudioError('empty', `${name} has no pixels.`);
  return image;
}
