/** Images (PNG, JPEG, WebP) as grayscale grids: what the import box and a drop on X both use. */
import { fitSize, grayFromRgba, rgbFromRgba } from '../../../../core/grid-ops';
import type { Matrix } from '../../../../core/matrix';

/** Cells a side an imported image is fitted into unless the user asks for another size. */
export const IMPORT_MAX_SIDE = 64;

export const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp'];
const IMAGE_EXTENSIONS = /\.(png|jpe?g|webp)$/i;

/** By MIME type, or by name when the type is missing (some drops carry none). */
export function isImageFile(file: File): boolean {
  return IMAGE_TYPES.includes(file.type) || (file.type === '' && IMAGE_EXTENSIONS.test(file.name));
}

/** Decodes and downsamples to fit `maxSide`: the RGBA pixels. */
async function decodeImage(file: File, maxSide: number): Promise<ImageData> {
  if (!isImageFile(file)) throw new Error(`${file.name}: not a PNG, JPEG or WebP image`);
  const bitmap = await createImageBitmap(file, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
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

/** Decodes, downsamples to fit `maxSide` and converts to grayscale in [lo, hi]. */
export async function imageFileToGrid(file: File, maxSide: number, lo: number, hi: number): Promise<Matrix> {
  const img = await decodeImage(file, maxSide);
  return grayFromRgba(img.data, img.width, img.height, lo, hi);
}

/** The same, keeping colour: channels R, G, B in [lo, hi]. */
export async function imageFileToRgb(file: File, maxSide: number, lo: number, hi: number): Promise<Matrix[]> {
  const img = await decodeImage(file, maxSide);
  return rgbFromRgba(img.data, img.width, img.height, lo, hi);
}
