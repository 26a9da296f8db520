/**
 * UTF-8 through the host's TextEncoder/TextDecoder (every host has them: Node, Chromium,
 * Electron). The core compiles against plain ES2022 (no DOM or Node typings), so it reaches them
 * through `globalThis` with the few members it uses typed here.
 */
import { KernelStudioError } from '../errors';

interface Utf8Codecs {
  TextEncoder: new () => { encode(text: string): Uint8Array };
  TextDecoder: new (label: 'utf-8', options: { fatal: boolean }) => { decode(bytes: Uint8Array): string };
}
const codecs = globalThis as unknown as Utf8Codecs;
const encoder = new codecs.TextEncoder();
/** Strict: a bad byte throws instead of becoming U+FFFD. A leading BOM is dropped. */
const decoder = new codecs.TextDecoder('utf-8', { fatal: true });

/** Encodes a string (surrogate pairs included) as UTF-8 bytes. */
export function encodeUtf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Where the first byte that breaks UTF-8 is (only read to word an error). */
function firstBadByte(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length;) {
    const b = bytes[i];
    const extra =
      b < 0x80 ? 0 : b >= 0xc2 && b < 0xe0 ? 1 : b >= 0xe0 && b < 0xf0 ? 2 : b >= 0xf0 && b < 0xf5 ? 3 : -1;
    if (extra === -1 || i + extra >= bytes.length) return i;
    let cp = b & [0x7f, 31, 15, 7][extra];
    for (let j = 1; j <= extra; j++) {
      if ((bytes[i + j] & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (bytes[i + j] & 63);
    }
    if (cp < [0, 0x80, 0x800, 0x10000][extra] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += extra + 1;
  }
  return bytes.length;
}

/** Decodes UTF-8 strictly, so a binary file given as text fails with a clear message instead of garbage. */
export function decodeUtf8(bytes: Uint8Array, name: string): string {
  try {
    return decoder.decode(bytes);
  } catch {
    throw new KernelStudioError(
      'format',
      `${name}: not UTF-8 text (bad byte at offset ${firstBadByte(bytes)}).`,
    );
  }
}

/** Latin-1 (one byte per char): the encoding of .npy v1/v2 headers. */
export function decodeLatin1(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
  return s;
}

/** Encodes ASCII-only text (headers we write ourselves) one byte per char. */
export function encodeAscii(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}
