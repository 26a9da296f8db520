/**
 * 16-bit PNGs at full precision: the browser's decoder gives 8 bits a channel, so the app reads
 * them itself (core/formats/png.ts unfilters the rows; the host inflates with DecompressionStream).
 * Kept apart from image-grid.ts's canvas code: it needs only File, Blob and streams.
 */
import { KernelStudioError } from '#core/errors';
import { decodePng16, isPngSignature, png16DataLength, pngImageData, readPngHeader } from '#core/formats/png';
import { fitSize } from '#core/grid-ops';
import { LIMITS } from '#core/types';

/** RGBA pixels on the 0..255 scale: the browser's ImageData, or a 16-bit PNG's at full precision. */
export interface Pixels {
  readonly data: ArrayLike<number>;
  readonly width: number;
  readonly height: number;
}

/** Inflates a zlib stream, reading no more than `limit` bytes of output (an inflate bomb stops there). */
async function inflate(data: Uint8Array<ArrayBuffer>, limit: number): Promise<Uint8Array> {
  const stream = new Blob([data]).stream().pipeThrough(new DecompressionStream('deflate'));
  const reader = stream.getReader();
  const out = new Uint8Array(limit);
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
    if (done || !value) break;
    const take = Math.min(value.length, limit - length);
    out.set(value.subarray(0, take), length);
    length += take;
    if (length === limit) {
      await reader.cancel();
      break;
    }
  }
  return out.subarray(0, length);
}

/** Per output index, the source indices it averages and their weights (an area-average resize). */
function axisWeights(source: number, target: number): [number, number][][] {
  const scale = source / target;
  return Array.from({ length: target }, (_, o) => {
    const from = o * scale;
    const to = (o + 1) * scale;
    const taps: [number, number][] = [];
    for (let i = Math.floor(from); i < Math.min(source, Math.ceil(to)); i++)
      taps.push([i, (Math.min(to, i + 1) - Math.max(from, i)) / scale]);
    return taps;
  });
}

/** Resizes RGBA pixels to `cols`×`rows` by averaging the area each output pixel covers. */
function resizeRgba({ data, width, height }: Pixels, cols: number, rows: number): Pixels {
  if (cols === width && rows === height) return { data, width, height };
  const across = axisWeights(width, cols);
  const wide = new Float32Array(cols * height * 4);
  for (let y = 0; y < height; y++)
    across.forEach((taps, x) => {
      for (const [i, w] of taps)
        for (let c = 0; c < 4; c++) wide[(y * cols + x) * 4 + c] += w * data[(y * width + i) * 4 + c];
    });
  const out = new Float32Array(cols * rows * 4);
  axisWeights(height, rows).forEach((taps, y) => {
    for (const [i, w] of taps)
      for (let j = 0; j < cols * 4; j++) out[y * cols * 4 + j] += w * wide[i * cols * 4 + j];
  });
  return { data: out, width: cols, height: rows };
}

/**
 * A 16-bit PNG decoded here at full precision (the browser's decoder gives 8 bits a channel),
 * fitted into `maxSide`; null for any other file, which the browser decodes. A PNG whose header
 * is broken (a second IHDR, another first chunk) is refused, as in the CLI.
 */
export async function decodePng16File(file: File, maxSide: number): Promise<Pixels | null> {
  if (file.type !== 'image/png' && !/\.png$/i.test(file.name)) return null;
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (!isPngSignature(bytes)) return null;
  const header = readPngHeader(bytes, file.name);
  const needed = png16DataLength(header);
  if (needed === null) return null;
  if (header.width > LIMITS.maxImageSide || header.height > LIMITS.maxImageSide)
    throw new KernelStudioError(
      'too-large',
      `${file.name} is ${header.height}×${header.width} pixels, over the limit of ${LIMITS.maxImageSide}×${LIMITS.maxImageSide}.`,
    );
  const rgba = decodePng16(header, await inflate(pngImageData(bytes), needed), file.name);
  if (!rgba || header.width * header.height === 0) return null;
  const { rows, cols } = fitSize(header.width, header.height, maxSide);
  return resizeRgba({ data: rgba, width: header.width, height: header.height }, cols, rows);
}
