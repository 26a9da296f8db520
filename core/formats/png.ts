/**
 * A PNG's chunk layout (https://www.w3.org/TR/png/#5Chunk-layout), read before any pixel is
 * decoded: the header every decoder must use is the one IHDR, and it must come first. A file with
 * a second IHDR (which one a decoder takes differs: pngjs takes the last) or none first is refused,
 * so the size that is checked is the size that is decoded.
 */
import { KernelStudioError } from '../errors';

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** What IHDR says. */
export interface PngHeader {
  readonly width: number;
  readonly height: number;
  /** 1, 2, 4, 8 or 16 bits per sample. */
  readonly bitDepth: number;
  /** 0 grey, 2 RGB, 3 palette, 4 grey + alpha, 6 RGBA. */
  readonly colorType: number;
  /** 0 none, 1 Adam7. */
  readonly interlace: number;
}

export function isPngSignature(bytes: Uint8Array): boolean {
  return bytes.length >= SIGNATURE.length && SIGNATURE.every((b, i) => bytes[i] === b);
}

/** A chunk type as text, control bytes escaped (a hostile file's type is not printed raw). */
function typeText(bytes: Uint8Array, at: number): string {
  let text = '';
  for (let i = at; i < at + 4; i++)
    text +=
      bytes[i] >= 0x21 && bytes[i] < 0x7f
        ? String.fromCharCode(bytes[i])
        : `\\x${bytes[i].toString(16).padStart(2, '0')}`;
  return text;
}

/**
 * Walks the chunks (their lengths only: no data is inflated) and returns IHDR's fields. Refuses a
 * file that is not a PNG, whose first chunk is not a 13-byte IHDR, or that holds a second IHDR.
 */
export function readPngHeader(bytes: Uint8Array, name: string): PngHeader {
  const fail = (problem: string): never => {
    throw new KernelStudioError('format', `${name}: ${problem}`);
  };
  if (!isPngSignature(bytes)) fail('not a PNG file.');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const first = SIGNATURE.length;
  if (bytes.length < first + 8 + 13) fail('truncated PNG (no IHDR chunk).');
  if (typeText(bytes, first + 4) !== 'IHDR')
    fail(`the PNG's first chunk is "${typeText(bytes, first + 4)}", not IHDR: the file is broken.`);
  if (view.getUint32(first) !== 13)
    fail(`the PNG's IHDR chunk is ${view.getUint32(first)} bytes long, not 13.`);
  const header: PngHeader = {
    width: view.getUint32(first + 8),
    height: view.getUint32(first + 12),
    bitDepth: bytes[first + 16],
    colorType: bytes[first + 17],
    interlace: bytes[first + 20],
  };
  // Each chunk: length (4), type (4), data (length), CRC (4).
  for (let at = first + 8 + 13 + 4; at + 8 <= bytes.length;) {
    const type = typeText(bytes, at + 4);
    if (type === 'IHDR')
      fail('the PNG has a second IHDR chunk (two different sizes): the file is broken or hostile.');
    if (type === 'IEND') break;
    at += 8 + view.getUint32(at) + 4;
  }
  return header;
}

/** The concatenated data of the IDAT chunks: the zlib stream of the image (after `readPngHeader`). */
export function pngImageData(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const parts: Uint8Array[] = [];
  for (let at = SIGNATURE.length; at + 8 <= bytes.length;) {
    const length = view.getUint32(at);
    const type = typeText(bytes, at + 4);
    if (type === 'IEND') break;
    if (type === 'IDAT') parts.push(bytes.subarray(at + 8, Math.min(bytes.length, at + 8 + length)));
    at += 8 + length + 4;
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** Samples a pixel of each colour type has: grey, RGB, grey + alpha, RGBA (palettes are 8-bit). */
const SAMPLES: Readonly<Record<number, number>> = { 0: 1, 2: 3, 4: 2, 6: 4 };

/** The inflated bytes a 16-bit, non-interlaced PNG's rows take (filter bytes included); null for any other PNG. */
export function png16DataLength(header: PngHeader): number | null {
  const samples = SAMPLES[header.colorType];
  if (header.bitDepth !== 16 || header.interlace !== 0 || samples === undefined) return null;
  return header.height * (header.width * samples * 2 + 1);
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/**
 * A 16-bit, non-interlaced PNG's pixels as RGBA on the 0..255 scale, at full precision (floats:
 * grey 1000 is 1000 · 255 / 65535), from its inflated image data. Null for any other PNG: an
 * 8-bit or palette image loses nothing in the browser's own decoder, which the app uses for it.
 */
export function decodePng16(header: PngHeader, inflated: Uint8Array, name: string): Float32Array | null {
  const needed = png16DataLength(header);
  if (needed === null) return null;
  const samples = SAMPLES[header.colorType];
  const { width, height } = header;
  const bpp = samples * 2;
  const stride = width * bpp;
  if (inflated.length < needed) throw new KernelStudioError('format', `${name}: truncated PNG image data.`);
  const prev = new Uint8Array(stride);
  const line = new Uint8Array(stride);
  const rgba = new Float32Array(width * height * 4);
  const scale = 255 / 65535;
  for (let y = 0; y < height; y++) {
    const start = y * (stride + 1);
    const filter = inflated[start];
    for (let i = 0; i < stride; i++) {
      const raw = inflated[start + 1 + i];
      const a = i >= bpp ? line[i - bpp] : 0;
      const b = prev[i];
      const c = i >= bpp ? prev[i - bpp] : 0;
      const predictor = [0, a, b, (a + b) >> 1, paeth(a, b, c)][filter];
      if (predictor === undefined)
        throw new KernelStudioError('format', `${name}: unknown PNG row filter ${filter}.`);
      line[i] = (raw + predictor) & 0xff;
    }
    for (let x = 0; x < width; x++) {
      const s = (k: number): number => ((line[x * bpp + 2 * k] << 8) | line[x * bpp + 2 * k + 1]) * scale;
      const p = (y * width + x) * 4;
      const grey = samples < 3;
      rgba[p] = s(0);
      rgba[p + 1] = grey ? s(0) : s(1);
      rgba[p + 2] = grey ? s(0) : s(2);
      rgba[p + 3] = samples === 2 ? s(1) : samples === 4 ? s(3) : 255;
    }
    prev.set(line);
  }
  return rgba;
}
