/**
 * PNG/JPEG → grayscale matrix in 0..1, so a photo can be the image X. Luminance uses
 * the Rec. 601 weights (0.299 R + 0.587 G + 0.114 B), as PIL's "L" mode does. With
 * colour kept, the image is a 3×H×W tensor (R, G, B channels, each in 0..1).
 */
import * as jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { KernelStudioError } from '#core/errors';
import { readPngHeader } from '#core/formats/png';
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

/** Decoded RGBA samples and the value of full intensity: 255, or 65535 for a 16-bit PNG (1, 3, 15 below 8 bits). */
interface Pixels {
  readonly data: ArrayLike<number>;
  readonly width: number;
  readonly height: number;
  readonly max: number;
}

function toGray({ data: rgba, width, height, max }: Pixels): Matrix {
  const data = new Float32Array(width * height);
  for (let i = 0; i < data.length; i++) {
    const p = i * 4;
    data[i] = (0.299 * rgba[p] + 0.587 * rgba[p + 1] + 0.114 * rgba[p + 2]) / max;
  }
  return { rows: height, cols: width, data };
}

function toRgb({ data: rgba, width, height, max }: Pixels): Tensor3 {
  const size = width * height;
  const data = new Float32Array(3 * size);
  for (let i = 0; i < size; i++) for (let c = 0; c < 3; c++) data[c * size + i] = rgba[i * 4 + c] / max;
  return { channels: 3, rows: height, cols: width, data };
}

/** Decodes a PNG (1- to 16-bit at full precision, any colour type; alpha ignored) to grayscale. */
export function decodePngGray(bytes: Uint8Array, name: string): Matrix {
  return toGray(decodePng(bytes, name));
}

/** Decodes a PNG to R, G, B channels (alpha ignored; a grey PNG gives three equal channels). */
export function decodePngRgb(bytes: Uint8Array, name: string): Tensor3 {
  return toRgb(decodePng(bytes, name));
}

function decodePng(bytes: Uint8Array, name: string): Pixels {
  // The one IHDR, first: the size checked here is the size pngjs decodes.
  const header = readPngHeader(bytes, name);
  checkSize(header.width, header.height, name);
  let png;
  try {
    // skipRescale keeps 16-bit samples (a grey 1000 reads 1000/65535, not 4/255).
    png = PNG.sync.read(bytes, { skipRescale: true });
  } catch (e) {
    throw new KernelStudioError(
      'format',
      `${name}: cannot decode PNG (${e instanceof Error ? e.message : String(e)}).`,
    );
  }
  if (png.width === 0 || png.height === 0) throw new KernelStudioError('empty', `${name} has no pixels.`);
  // A palette maps to 8-bit colours; other types keep their bit depth.
  const max = header.colorType === 3 ? 255 : 2 ** header.bitDepth - 1;
  return { data: png.data, width: png.width, height: png.height, max };
}

/** Decodes a baseline/progressive JPEG to grayscale, with jpeg-js's own size and memory caps. */
export function decodeJpegGray(bytes: Uint8Array, name: string): Matrix {
  const image = decodeJpeg(bytes, name);
  return toGray({ ...image, max: 255 });
}

/** Decodes a JPEG to R, G, B channels. */
export function decodeJpegRgb(bytes: Uint8Array, name: string): Tensor3 {
  const image = decodeJpeg(bytes, name);
  return toRgb({ ...image, max: 255 });
}

function decodeJpeg(bytes: Uint8Array, name: string): Omit<Pixels, 'max'> {
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
