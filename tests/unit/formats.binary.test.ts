/**
 * .npy and .safetensors bytes checked against their specs by parsing them here,
 * independently of core/formats, plus NumPy itself when python3 has it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KernelStudioError } from '#core/errors';
import { decodeNpy, decodeSafetensors, encodeNpy, exportLayer, importKernel } from '#core/formats/index';
import { convSpec } from '#core/layer';
import { flip2d, fromRows, toRows } from '#core/matrix';
import type { Mode } from '#core/types';
import { npyWithShape, safetensorsWithShape } from '../helpers/hostile-files';
import { oneKernelExport } from '../helpers/one-kernel';

const FIXTURES = join(import.meta.dirname, '../fixtures');
const K = fromRows([
  [0.1, -2.5, 3],
  [4, 5e-7, -6],
]);
const hasNumpy = spawnSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;
const work = mkdtempSync(join(tmpdir(), 'ks-formats-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function float32sLE(bytes: Uint8Array, offset: number, count: number): number[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, count * 4);
  return Array.from({ length: count }, (_, i) => view.getFloat32(i * 4, true));
}

describe('.npy writer (NumPy format 1.0)', () => {
  const bytes = encodeNpy(K);

  it('has magic, version 1.0, a 64-byte aligned header and float32 LE C-order data', () => {
    expect(Array.from(bytes.subarray(0, 6))).toEqual([0x93, ...Buffer.from('NUMPY')]);
    expect([bytes[6], bytes[7]]).toEqual([1, 0]);
    const headerLength = bytes[8] | (bytes[9] << 8);
    const dataStart = 10 + headerLength;
    expect(dataStart % 64).toBe(0);
    const header = Buffer.from(bytes.subarray(10, dataStart)).toString('latin1');
    expect(header.endsWith('\n')).toBe(true);
    expect(header.trimEnd()).toBe("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }");
    expect(bytes.length - dataStart).toBe(6 * 4);
    expect(float32sLE(bytes, dataStart, 6)).toEqual(Array.from(K.data));
  });

  it.skipIf(!hasNumpy)('loads in numpy.load with the same values (needs python3 + numpy)', () => {
    const path = join(work, 'k.npy');
    writeFileSync(path, bytes);
    const script = `import numpy as np, json; a = np.load(${JSON.stringify(path)}); print(json.dumps({"dtype": str(a.dtype), "shape": list(a.shape), "c": bool(a.flags["C_CONTIGUOUS"]), "v": a.tolist()}))`;
    const run = spawnSync('python3', ['-c', script], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    const result = JSON.parse(run.stdout) as { dtype: string; shape: number[]; c: boolean; v: number[][] };
    expect(result).toEqual({ dtype: 'float32', shape: [2, 3], c: true, v: toRows(K) });
  });
  if (!hasNumpy) console.warn('formats.binary: python3 with numpy not found; skipping the numpy.load check.');
});

describe('.npy reader', () => {
  const read = (name: string) => decodeNpy(readFileSync(join(FIXTURES, name)), name);
  const errorOf = (name: string): KernelStudioError => {
    try {
      read(name);
    } catch (e) {
      if (e instanceof KernelStudioError) return e;
      throw e;
    }
    throw new Error('expected an error');
  };

  it('reads NumPy-written float64 Fortran order, big-endian float32, v2 and v3 headers', () => {
    expect(toRows(read('f8_fortran.npy'))).toEqual([
      [1.5, -2, 3.25],
      [4, 5.5, -6],
    ]);
    expect(toRows(read('f4_big_endian.npy'))).toEqual([
      [0.25, -1],
      [2, 8],
    ]);
    expect(toRows(read('v2.npy'))).toEqual([[1, 2]]);
    expect(toRows(read('v3.npy'))).toEqual([[3], [4]]);
  });

  it('refuses other dtypes, other ranks, bad magic and truncation with clear errors', () => {
    expect(errorOf('i4.npy').message).toMatch(
      /i4\.npy: dtype '<i4' is not supported; save as float32 or float64/,
    );
    expect(errorOf('three_d.npy').message).toMatch(/3 dimensions .*2-D/);
    expect(() => decodeNpy(new Uint8Array(20), 'z.npy')).toThrow(/z\.npy: not a \.npy file/);
    const good = encodeNpy(K);
    expect(() => decodeNpy(good.subarray(0, good.length - 1), 't.npy')).toThrow(/truncated \.npy data/);
  });
});

describe('hostile shapes (a zero or huge dimension) are refused before anything is allocated', () => {
  /** The typed error, and how long the decoder took to give it. */
  function refusal(decode: () => unknown): { error: KernelStudioError; ms: number } {
    const start = performance.now();
    try {
      decode();
    } catch (e) {
      if (!(e instanceof KernelStudioError)) throw e;
      return { error: e, ms: performance.now() - start };
    }
    throw new Error('expected an error');
  }
  const npyCases: Array<[string, RegExp]> = [
    ['(99999999999, 0)', /zero dimension/],
    ['(0, 99999999999)', /zero dimension/],
    ['(0, 0)', /zero dimension/],
    ['(99999999999, 1)', /over the limit of 4096×4096/],
    ['(4097, 1)', /over the limit/],
    ['(99999999999999999999, 0)', /not a list of whole sizes|zero dimension/],
  ];
  it.each(npyCases)('.npy with shape %s', (shape, message) => {
    const bytes = npyWithShape(shape);
    expect(bytes.length).toBeLessThanOrEqual(128);
    for (const decode of [() => decodeNpy(bytes, 'h.npy'), () => importKernel(bytes, 'h.npy')]) {
      const { error, ms } = refusal(decode);
      expect(error.message).toMatch(/^h\.npy: shape /);
      expect(error.message).toMatch(message);
      // Not a speed check: the old decoder allocated the rows first and ran for 99 s before failing.
      expect(ms).toBeLessThan(5_000);
    }
  });
  const safetensorsCases: Array<[string, RegExp]> = [
    ['[1e300, 0]', /zero dimension|not a list of whole sizes/],
    ['[99999999999, 0]', /zero dimension/],
    ['[1, 1, 0, 99999999999]', /zero dimension/],
    ['[1, 1, 1e300, 1e300]', /not a list of whole sizes|out-of-range/],
    ['[5000, 1]', /over the limit|bytes for shape/],
  ];
  it.each(safetensorsCases)('.safetensors with weight shape %s', (shape, message) => {
    const bytes = safetensorsWithShape(shape);
    expect(bytes.length).toBeLessThanOrEqual(128);
    for (const decode of [
      () => decodeSafetensors(bytes, 'h.safetensors'),
      () => importKernel(bytes, 'h.safetensors'),
    ]) {
      const { error, ms } = refusal(decode);
      expect(error.message).toMatch(/^h\.safetensors: /);
      expect(error.message).toMatch(message);
      // Not a speed check: the old decoder allocated the rows first and ran for 99 s before failing.
      expect(ms).toBeLessThan(5_000);
    }
  });
});

/** The .safetensors the app and the CLI write for kernel K: a one-channel valid layer. */
const safetensorsOf = (k: typeof K, bias: number, mode: Mode): Uint8Array =>
  exportLayer('safetensors', oneKernelExport(k, bias, mode)).bytes;

describe('.safetensors writer', () => {
  interface Entry {
    dtype: string;
    shape: number[];
    data_offsets: [number, number];
  }
  function parse(bytes: Uint8Array) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const headerLength = Number(view.getBigUint64(0, true));
    const headerText = Buffer.from(bytes.subarray(8, 8 + headerLength)).toString('utf8');
    const header = JSON.parse(headerText) as Record<string, Entry> & { __metadata__: Record<string, string> };
    return { headerLength, headerText, header, dataStart: 8 + headerLength };
  }

  it('has a u64 length, space-padded JSON to 8 bytes, and OIHW F32 weight + bias with exact offsets', () => {
    const bytes = safetensorsOf(K, 0.75, 'correlate');
    const { headerLength, headerText, header, dataStart } = parse(bytes);
    expect(headerLength % 8).toBe(0);
    expect(headerText).toMatch(/^\{.*\} *$/);
    expect(header.weight).toEqual({ dtype: 'F32', shape: [1, 1, 2, 3], data_offsets: [0, 24] });
    expect(header.bias).toEqual({ dtype: 'F32', shape: [1], data_offsets: [24, 28] });
    expect(header.__metadata__).toMatchObject({
      mode: 'correlate',
      layout: 'OIHW',
      weight_content: 'kernel',
      in_channels: '1',
      out_channels: '1',
      stride: '1,1',
      padding: '0,0',
      dilation: '1,1',
    });
    expect(Object.values(header.__metadata__).every((v) => typeof v === 'string')).toBe(true);
    expect(bytes.length - dataStart).toBe(28);
    expect(float32sLE(bytes, dataStart, 6)).toEqual(Array.from(K.data));
    expect(float32sLE(bytes, dataStart + 24, 1)).toEqual([0.75]);
  });

  it('stores K rotated 180° in convolve mode (PyTorch conv2d is correlation) and reads back K', () => {
    const bytes = safetensorsOf(K, 0, 'convolve');
    const { header, dataStart } = parse(bytes);
    expect(header.__metadata__).toMatchObject({ mode: 'convolve', weight_content: 'kernel-rotated-180' });
    expect(float32sLE(bytes, dataStart, 6)).toEqual(Array.from(flip2d(K).data));
    const back = decodeSafetensors(bytes, 'k.safetensors');
    expect(back).toMatchObject({ mode: 'convolve', bias: 0 });
    expect(toRows(back.weight)).toEqual(toRows(K));
    expect(toRows(importKernel(bytes, 'k.safetensors'))).toEqual(toRows(K));
  });

  it('refuses files whose header or offsets do not fit', () => {
    expect(() => decodeSafetensors(new Uint8Array(4), 's.safetensors')).toThrow(/shorter than 8 bytes/);
    const bytes = safetensorsOf(K, 0, 'correlate');
    expect(() => decodeSafetensors(bytes.subarray(0, bytes.length - 4), 's.safetensors')).toThrow(
      /out-of-range/,
    );
    const huge = new Uint8Array(16);
    new DataView(huge.buffer).setBigUint64(0, 1n << 40n, true);
    expect(() => decodeSafetensors(huge, 's.safetensors')).toThrow(/header length exceeds the file/);
  });

  it('re-imports the [1, 1, kh, kw] weight of a one-channel layer as K; a layer of several kernels is refused', () => {
    const bytes = safetensorsOf(K, 1, 'correlate');
    expect(parse(bytes).header.weight.shape).toEqual([1, 1, 2, 3]);
    expect(toRows(importKernel(bytes, 'k.safetensors'))).toEqual(toRows(K));
    expect(decodeSafetensors(bytes, 'k.safetensors').bias).toBe(1);
    const layer = exportLayer('safetensors', {
      weight: { outChannels: 2, inChannels: 1, rows: 1, cols: 3, data: K.data },
      bias: [0, 0],
      spec: convSpec({ outChannels: 2, kernel: [1, 3] }),
    }).bytes;
    expect(() => importKernel(layer, 'layer.safetensors')).toThrow(
      /^layer\.safetensors: weight shape \[2, 1, 1, 3\] is not \[1, 1, kh, kw\] or \[kh, kw\]\.$/,
    );
  });

  it('writes the one-channel .npy as the 2-D kh×kw array', () => {
    expect(exportLayer('npy', oneKernelExport(K, 1, 'correlate')).bytes).toEqual(encodeNpy(K));
  });
});
