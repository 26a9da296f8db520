/**
 * The .npy header parser against hostile headers (issue 19.7): a header over NumPy's 10,000
 * characters is refused before it is parsed, a long one is parsed in one pass, and a header that
 * NumPy and we would read differently (a key given twice, a key NumPy does not know) is refused.
 */
import { describe, expect, it } from 'vitest';
import { decodeNpy, encodeNpy, importKernel, readNpyHeader } from '#core/formats/index';
import { MAX_NPY_HEADER_CHARS } from '#core/formats/npy';
import { toRows } from '#core/matrix';

/** A .npy (version `major`.0) with the header dict `dict`, padded as NumPy pads, and `data` after it. */
function npyWithHeader(dict: string, major = 1, data: Float32Array = new Float32Array([1, 2])): Uint8Array {
  const lengthSize = major === 1 ? 2 : 4;
  const unpadded = 8 + lengthSize + dict.length + 1;
  const header = dict + ' '.repeat(Math.ceil(unpadded / 64) * 64 - unpadded) + '\n';
  const out = new Uint8Array(8 + lengthSize + header.length + data.length * 4);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0], 0);
  const view = new DataView(out.buffer);
  if (major === 1) view.setUint16(8, header.length, true);
  else view.setUint32(8, header.length, true);
  out.set(Buffer.from(header, 'latin1'), 8 + lengthSize);
  data.forEach((v, i) => view.setFloat32(8 + lengthSize + header.length + i * 4, v, true));
  return out;
}

const GOOD = "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2), }";

describe('.npy header size: NumPy’s limit of 10,000 characters', () => {
  it('refuses a 1 MB header of repeated "\'descr\': (" at once, naming the limit', () => {
    // Today's regex took 137 s on this in the CLI; the refusal needs no parse at all.
    const dict = `{${"'descr': (".repeat(100_000)}}`;
    const bytes = npyWithHeader(dict, 2);
    expect(() => readNpyHeader(bytes, 'big.npy')).toThrow(
      /^big\.npy: the \.npy header is \d+ characters long, over NumPy's limit of 10000\.$/,
    );
    expect(() => importKernel(bytes, 'big.npy')).toThrow(/over NumPy's limit of 10000/);
  });

  it('parses a header just under the limit in one pass (hostile content gets a parse error, not a hang)', () => {
    const filler = "'descr': (".repeat(Math.floor((MAX_NPY_HEADER_CHARS - 200) / 10));
    const bytes = npyWithHeader(`{${filler}}`, 2);
    expect(() => readNpyHeader(bytes, 'h.npy')).toThrow(/h\.npy: \.npy header/);
    // Padding spaces count, as in NumPy: a good dict padded past the limit is refused too.
    const padded = npyWithHeader(GOOD + ' '.repeat(MAX_NPY_HEADER_CHARS), 2);
    expect(() => readNpyHeader(padded, 'p.npy')).toThrow(/over NumPy's limit/);
    const fine = npyWithHeader(GOOD + ' '.repeat(MAX_NPY_HEADER_CHARS - 200), 2);
    expect(toRows(decodeNpy(fine, 'f.npy'))).toEqual([[1, 2]]);
  });
});

describe('.npy header keys: what NumPy reads is what we read', () => {
  it("refuses two 'descr' keys (NumPy keeps the last, the old parser the first)", () => {
    const dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2), 'descr': '>f4'}";
    expect(() => decodeNpy(npyWithHeader(dict), 'two.npy')).toThrow(
      /^two\.npy: \.npy header gives 'descr' twice\.$/,
    );
  });

  it('refuses any repeated key and any key NumPy does not write', () => {
    const twice = "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2), 'shape': (2, 1)}";
    expect(() => decodeNpy(npyWithHeader(twice), 's.npy')).toThrow(/gives 'shape' twice/);
    const extra = "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2), 'extra': 1}";
    expect(() => decodeNpy(npyWithHeader(extra), 'e.npy')).toThrow(/has the key 'extra'/);
    const missing = "{'descr': '<f4', 'shape': (1, 2)}";
    expect(() => decodeNpy(npyWithHeader(missing), 'm.npy')).toThrow(
      /lacks 'descr', 'fortran_order' or 'shape'/,
    );
    const trailing = `${GOOD} x`;
    expect(() => decodeNpy(npyWithHeader(trailing), 't.npy')).toThrow(/text after its closing brace/);
  });

  it('reads what NumPy writes: key order, double quotes, Python 2 longs, a structured dtype refused as a dtype', () => {
    const reordered = '{"shape": (1L, 2L), "fortran_order": False, "descr": "<f4"}';
    expect(toRows(decodeNpy(npyWithHeader(reordered), 'r.npy'))).toEqual([[1, 2]]);
    const structured = "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }";
    expect(() => decodeNpy(npyWithHeader(structured), 'st.npy')).toThrow(
      /st\.npy: dtype \[\('a', '<f4'\)\] is not supported/,
    );
    expect(
      toRows(decodeNpy(encodeNpy({ rows: 1, cols: 2, data: new Float32Array([1, 2]) }), 'ok.npy')),
    ).toEqual([[1, 2]]);
  });
});
