/**
 * UTF-8 without TextEncoder/TextDecoder: the core compiles against plain ES2022
 * (no DOM or Node typings), so it carries its own small codec.
 */
import { KernelStudioError } from '../errors';

/** Encodes a string (surrogate pairs included) as UTF-8 bytes. */
export function encodeUtf8(text: string): Uint8Array {
  const out: number[] = [];
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp < 0x80) out.push(cp);
    else if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 63));
    else if (cp < 0x10000) out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
    else out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
  }
  return Uint8Array.from(out);
}

/** Decodes UTF-8 strictly, so a binary file given as text fails with a clear message instead of garbage. */
export function decodeUtf8(bytes: Uint8Array, name: string): string {
  const parts: string[] = [];
  let i = 0;
  const bad = (): never => {
    throw new KernelStudioError('format', `${name}: not UTF-8 text (bad byte at offset ${i}).`);
  };
  while (i < bytes.length) {
    const b = bytes[i];
    let cp: number;
    let extra: number;
    if (b < 0x80) [cp, extra] = [b, 0];
    else if (b >= 0xc2 && b < 0xe0) [cp, extra] = [b & 31, 1];
    else if (b >= 0xe0 && b < 0xf0) [cp, extra] = [b & 15, 2];
    else if (b >= 0xf0 && b < 0xf5) [cp, extra] = [b & 7, 3];
    else return bad();
    if (i + extra >= bytes.length) return bad();
    for (let j = 1; j <= extra; j++) {
      const c = bytes[i + j];
      if ((c & 0xc0) !== 0x80) return bad();
      cp = (cp << 6) | (c & 63);
    }
    const minimum = [0, 0x80, 0x800, 0x10000][extra];
    if (cp < minimum || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return bad();
    parts.push(String.fromCodePoint(cp));
    i += extra + 1;
  }
  const text = parts.join('');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
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
