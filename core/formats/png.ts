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
