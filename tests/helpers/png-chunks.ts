/** PNG files built chunk by chunk (valid CRCs), so a test can break exactly one thing: a second IHDR, a 16-bit image. */
import { deflateSync } from 'node:zlib';

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** CRC-32 of a chunk's type and data (ISO 3309). */
function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

export function pngChunk(type: string, data: Uint8Array): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body), 8 + data.length);
  return out;
}

export function ihdr(width: number, height: number, bitDepth: number, colorType: number): Buffer {
  const d = Buffer.alloc(13);
  d.writeUInt32BE(width, 0);
  d.writeUInt32BE(height, 4);
  d[8] = bitDepth;
  d[9] = colorType;
  return pngChunk('IHDR', d);
}

/** Grey rows (filter byte 0, then the samples: 8 or 16 bits big-endian), deflated into one IDAT. */
export function greyIdat(rows: number[][], bitDepth: 8 | 16): Buffer {
  const raw = rows.map((row) => {
    const b = Buffer.alloc(1 + row.length * (bitDepth / 8));
    row.forEach((v, i) => (bitDepth === 16 ? b.writeUInt16BE(v, 1 + 2 * i) : (b[1 + i] = v)));
    return b;
  });
  return pngChunk('IDAT', deflateSync(Buffer.concat(raw)));
}

export const IEND = pngChunk('IEND', new Uint8Array(0));

/** A whole grey PNG of `rows` at `bitDepth`. */
export function greyPng(rows: number[][], bitDepth: 8 | 16): Buffer {
  return Buffer.concat([
    PNG_SIGNATURE,
    ihdr(rows[0].length, rows.length, bitDepth, 0),
    greyIdat(rows, bitDepth),
    IEND,
  ]);
}
