/** Images (PNG, JPEG, WebP) as X's channels, grey or R, G, B: what the import box and a drop on X both use. */
import { extensionOf } from '#core/formats/kernelImport';
import { IMPORT_KINDS, imageMime } from '#core/formats/kinds';
import { fitSize, grayFromRgba, rgbFromRgba } from '#core/grid-ops';
import type { Matrix } from '#core/matrix';
import { decodePng16File } from './png16';

/** Cells a side an imported image is fitted into unless the user asks for another size. */
export const IMPORT_MAX_SIDE = 64;

/** The import box's `accept` and a drop's check: core's list of the kinds the app imports as X. */
export const IMAGE_TYPES = [...new Set(IMPORT_KINDS.appImage.map(imageMime))];

/** By MIME type, or by name when the type is missing (some drops carry none). */
export function isImageFile(file: File): boolean {
  const extension = extensionOf(file.name);
  return (
    IMAGE_TYPES.includes(file.type) ||
    (file.type === '' && (IMPORT_KINDS.appImage as readonly string[]).includes(extension))
  );
}

/** Decodes and downsamples to fit `maxSide`: the RGBA pixels. */
/** The file is not an image the browser can read (not a PNG, JPEG or WebP, or a broken one): the UI names it. */
export class UnreadableImageError extends Error {
  constructor(readonly fileName: string) {
    super(`${fileName} is not a readable PNG, JPEG or WebP image.`);
  }
}

async function decodeImage(file: File, maxSide: number): Promise<ImageData> {
  if (!isImageFile(file)) throw new UnreadableImageError(file.name);
  const bitmap = await createImageBitmap(file, {
    colorSpaceConversion: 'none',
    premultiplyAlpha: 'none',
  }).catch(() => {
    throw new UnreadableImageError(file.name);
  });
  const { rows, cols } = fitSize(bitmap.width, bitmap.height, maxSide);
  const canvas = document.createElement('canvas');
  canvas.width = cols;
  canvas.height = rows;
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(bitmap, 0, 0, cols, rows);
  bitmap.close();
  return ctx.getImageData(0, 0, cols, rows);
}

/** How an image's pixels become values: fitted into `maxSide` cells a side, black → lo, white → hi. */
export interface ImportRange {
  readonly maxSide: number;
  readonly lo: number;
  readonly hi: number;
}

/**
 * The image as X's channels: R, G, B in [lo, hi] when `colour` is asked and the image has
 * colour; otherwise (or for a grey image, whose three channels would be equal) one grey channel.
 */
export async function imageFileToChannels(
  file: File,
  { maxSide, lo, hi }: ImportRange,
  colour: boolean,
): Promise<Matrix[]> {
  const img = (await decodePng16File(file, maxSide)) ?? (await decodeImage(file, maxSide));
  const grey = [grayFromRgba(img.data, img.width, img.height, lo, hi)];
  if (!colour) return grey;
  const rgb = rgbFromRgba(img.data, img.width, img.height, lo, hi);
  const same = (a: Matrix, b: Matrix): boolean => a.data.every((v, i) => v === b.data[i]);
  return same(rgb[0], rgb[1]) && same(rgb[0], rgb[2]) ? grey : rgb;
}
