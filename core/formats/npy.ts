/**
 * NumPy's .npy format (https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html):
 * magic "\x93NUMPY", version, header length, a Python-literal dict header padded with
 * spaces and a newline to a multiple of 64 bytes, then the raw array data.
 */
import { KernelStudioError } from '../errors';
import type { Matrix } from '../matrix';
import { checkDimensions, checkFinite } from '../validate';
import type { NdArray } from '../tensor';
import { ndArrayFromNested } from '../tensor';
import { decodeLatin1, decodeUtf8, encodeAscii } from './utf8';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const ALIGNMENT = 64;

/** Writes a float32 little-endian, C-order (rows, cols) array with a version 1.0 header. */
export function encodeNpy(m: Matrix): Uint8Array {
  return encodeNpyArray({ shape: [m.rows, m.cols], data: m.data });
}

/** Writes a float32 little-endian, C-order array of any rank (e.g. O×C×kh×kw) with a version 1.0 header. */
export function encodeNpyArray(a: NdArray): Uint8Array {
  const dims = a.shape.length === 1 ? `${a.shape[0]},` : a.shape.join(', ');
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': (${dims}), }`;
  const preamble = MAGIC.length + 2 + 2; // magic, version, u16 header length
  const unpadded = preamble + dict.length + 1; // + the closing newline
  const padded = Math.ceil(unpadded / ALIGNMENT) * ALIGNMENT;
  const header = dict + ' '.repeat(padded - unpadded) + '\n';
  const out = new Uint8Array(padded + a.data.length * 4);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  const view = new DataView(out.buffer);
  view.setUint16(8, header.length, true);
  out.set(encodeAscii(header), preamble);
  for (let i = 0; i < a.data.length; i++) view.setFloat32(padded + i * 4, a.data[i], true);
  return out;
}

/** What an .npy header says about the array that follows it. */
export interface NpyHeader {
  readonly descr: string;
  readonly fortranOrder: boolean;
  readonly shape: readonly number[];
  /** Byte offset of the array data. */
  readonly dataOffset: number;
}

function fail(name: string, problem: string): never {
  throw new KernelStudioError('format', `${name}: ${problem}`);
}

/**
 * NumPy's own cap (`numpy.lib.format._MAX_HEADER_SIZE`, NumPy 1.24 and later, 2.x included):
 * `np.load` refuses a header of more than 10,000 characters unless pickles are allowed. The
 * header NumPy writes is under 200; a longer one is hostile or broken.
 */
export const MAX_NPY_HEADER_CHARS = 10_000;

/** The keys NumPy writes, and the only ones it reads (`EXPECTED_KEYS`). */
const HEADER_KEYS = ['descr', 'fortran_order', 'shape'] as const;
type HeaderKey = (typeof HEADER_KEYS)[number];

/** A value of the header dict: a string, a bool, or a tuple of whole sizes (or anything else, as text). */
type HeaderValue =
  | { kind: 'string'; text: string }
  | { kind: 'bool'; value: boolean }
  | { kind: 'tuple'; dims: string[] }
  | { kind: 'other'; text: string };

/**
 * Parses the header's Python dict literal in one left-to-right pass (no regular expression that
 * can backtrack): `{'key': value, …}` with string keys and string, True/False or tuple values.
 * Any other key, a repeated key (Python keeps the last, we read the first: refused) or anything
 * after the closing brace but spaces is refused.
 */
function parseHeaderDict(dict: string, name: string): Record<HeaderKey, HeaderValue> {
  let i = 0;
  const bad = (problem: string): never => fail(name, `.npy header ${problem}`);
  const space = (): void => {
    while (i < dict.length && (dict[i] === ' ' || dict[i] === '\t' || dict[i] === '\n' || dict[i] === '\r'))
      i++;
  };
  const expect = (ch: string): void => {
    space();
    if (dict[i] !== ch) bad(`is not a Python dict (expected "${ch}" at character ${i}).`);
    i++;
  };
  const quoted = (): string => {
    const quote = dict[i];
    const end = dict.indexOf(quote, i + 1);
    if (end === -1) bad('has an unterminated string.');
    const text = dict.slice(i + 1, end);
    i = end + 1;
    return text;
  };
  /** Everything up to the next `,` or `}` at depth 0 (a structured dtype's list, None, …), kept as text. */
  const skipOther = (): string => {
    const start = i;
    let depth = 0;
    while (i < dict.length) {
      const ch = dict[i];
      if (ch === "'" || ch === '"') {
        quoted();
        continue;
      }
      if (ch === '(' || ch === '[' || ch === '{') depth++;
      else if (ch === ')' || ch === ']' || ch === '}') {
        if (depth === 0) break;
        depth--;
      } else if (ch === ',' && depth === 0) break;
      i++;
    }
    return dict.slice(start, i).trim();
  };
  const value = (): HeaderValue => {
    space();
    const ch = dict[i];
    if (ch === "'" || ch === '"') return { kind: 'string', text: quoted() };
    if (dict.startsWith('True', i) || dict.startsWith('False', i)) {
      const v = dict[i] === 'T';
      i += v ? 4 : 5;
      return { kind: 'bool', value: v };
    }
    if (ch === '(') {
      const close = dict.indexOf(')', i);
      if (close === -1) bad('has an unterminated tuple.');
      const inner = dict.slice(i + 1, close);
      i = close + 1;
      const dims = inner
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
      return { kind: 'tuple', dims };
    }
    return { kind: 'other', text: skipOther() };
  };
  const entries: Partial<Record<HeaderKey, HeaderValue>> = {};
  expect('{');
  space();
  while (dict[i] !== '}') {
    space();
    if (dict[i] !== "'" && dict[i] !== '"')
      bad(`is not a Python dict (expected a quoted key at character ${i}).`);
    const key = quoted();
    if (!(HEADER_KEYS as readonly string[]).includes(key))
      bad(
        `has the key '${key.length > 20 ? `${key.slice(0, 20)}…` : key}'; NumPy writes only 'descr', 'fortran_order' and 'shape'.`,
      );
    if (entries[key as HeaderKey] !== undefined) bad(`gives '${key}' twice.`);
    expect(':');
    entries[key as HeaderKey] = value();
    space();
    if (dict[i] === ',') i++;
    else if (dict[i] !== '}') bad(`is not a Python dict (expected "," or "}" at character ${i}).`);
    space();
  }
  i++;
  space();
  if (i !== dict.length) bad('has text after its closing brace.');
  const { descr, fortran_order: fortran, shape } = entries;
  if (descr === undefined || fortran === undefined || shape === undefined)
    return bad("lacks 'descr', 'fortran_order' or 'shape'.");
  return { descr, fortran_order: fortran, shape };
}

/** Parses magic, version (1.0, 2.0 or 3.0) and the header dict. */
export function readNpyHeader(bytes: Uint8Array, name: string): NpyHeader {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b))
    fail(name, 'not a .npy file (bad magic bytes).');
  const major = bytes[6];
  const minor = bytes[7];
  if (![1, 2, 3].includes(major) || minor !== 0)
    throw new KernelStudioError(
      'unsupported',
      `${name}: .npy version ${major}.${minor} is not supported (1.0–3.0 are).`,
    );
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lengthSize = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lengthSize) fail(name, 'truncated .npy header.');
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  // Latin-1 (v1, v2) is a byte a character; UTF-8 (v3) at most 4 bytes one.
  if (headerLength > MAX_NPY_HEADER_CHARS * (major === 3 ? 4 : 1)) tooLongHeader(name, headerLength);
  const dataOffset = 8 + lengthSize + headerLength;
  if (dataOffset > bytes.length) fail(name, 'truncated .npy header.');
  const headerBytes = bytes.subarray(8 + lengthSize, dataOffset);
  const dict = major === 3 ? decodeUtf8(headerBytes, name) : decodeLatin1(headerBytes);
  if (dict.length > MAX_NPY_HEADER_CHARS) tooLongHeader(name, dict.length);
  const { descr, fortran_order: fortran, shape } = parseHeaderDict(dict, name);
  if (descr.kind !== 'string')
    throw new KernelStudioError(
      'unsupported',
      `${name}: dtype ${descr.kind === 'other' ? descr.text.slice(0, 40) : 'of this kind'} is not supported; save as float32 or float64 (e.g. a.astype('<f4')).`,
    );
  if (fortran.kind !== 'bool') fail(name, ".npy header's 'fortran_order' is not True or False.");
  const shapeText = shape.kind === 'tuple' ? `(${shape.dims.join(', ')})` : 'this value';
  if (shape.kind !== 'tuple' || shape.dims.some((d) => !/^\d+L?$/.test(d)))
    fail(name, `.npy shape ${shapeText.slice(0, 60)} is not a tuple of sizes.`);
  return {
    descr: descr.text,
    fortranOrder: fortran.value,
    shape: shape.dims.map((d) => parseInt(d, 10)),
    dataOffset,
  };
}

function tooLongHeader(name: string, length: number): never {
  throw new KernelStudioError(
    'too-large',
    `${name}: the .npy header is ${length} characters long, over NumPy's limit of ${MAX_NPY_HEADER_CHARS}.`,
  );
}

const ITEM_SIZES: Record<string, { size: number; littleEndian: boolean; float64: boolean }> = {
  '<f4': { size: 4, littleEndian: true, float64: false },
  '>f4': { size: 4, littleEndian: false, float64: false },
  '<f8': { size: 8, littleEndian: true, float64: true },
  '>f8': { size: 8, littleEndian: false, float64: true },
};

/** The element type of a float32/float64 array, or a one-line refusal. */
function itemOf(header: NpyHeader, name: string): { size: number; littleEndian: boolean; float64: boolean } {
  const item = ITEM_SIZES[header.descr];
  if (item === undefined)
    throw new KernelStudioError(
      'unsupported',
      `${name}: dtype '${header.descr}' is not supported; save as float32 or float64 (e.g. a.astype('<f4')).`,
    );
  return item;
}

/** Reads a 2-D float32/float64 array (either byte order, C or Fortran order) as a Matrix. */
export function decodeNpy(bytes: Uint8Array, name: string): Matrix {
  const header = readNpyHeader(bytes, name);
  const item = itemOf(header, name);
  if (header.shape.length !== 2)
    throw new KernelStudioError(
      'unsupported',
      `${name}: array has ${header.shape.length} dimensions (shape (${header.shape.join(', ')})); a 2-D (rows, cols) array is needed.`,
    );
  checkDimensions(header.shape, name);
  const [rows, cols] = header.shape;
  const needed = rows * cols * item.size;
  if (bytes.length - header.dataOffset < needed)
    fail(
      name,
      `truncated .npy data: ${bytes.length - header.dataOffset} bytes for ${rows}×${cols} values of ${item.size} bytes.`,
    );
  const view = new DataView(bytes.buffer, bytes.byteOffset + header.dataOffset, needed);
  const read = (i: number): number =>
    item.float64 ? view.getFloat64(i * 8, item.littleEndian) : view.getFloat32(i * 4, item.littleEndian);
  const data = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++)
      data[r * cols + c] = read(header.fortranOrder ? c * rows + r : r * cols + c);
  const m = { rows, cols, data };
  checkFinite(m, name);
  return m;
}

/**
 * Reads a float32/float64 array of rank 1 to 4 (either byte order, C or Fortran order), e.g. a
 * C×H×W image or an O×C×kh×kw weight, with at most `maxValues` values.
 */
export function decodeNpyArray(bytes: Uint8Array, name: string, maxValues: number): NdArray {
  const header = readNpyHeader(bytes, name);
  const item = itemOf(header, name);
  const shape = header.shape;
  if (shape.length < 1 || shape.length > 4)
    throw new KernelStudioError(
      'unsupported',
      `${name}: array has ${shape.length} dimensions (shape (${shape.join(', ')})); 1 to 4 are supported.`,
    );
  if (shape.some((d) => d === 0))
    throw new KernelStudioError('empty', `${name} is empty (shape (${shape.join(', ')})).`);
  const count = shape.reduce((a, b) => a * b, 1);
  if (count > maxValues)
    throw new KernelStudioError(
      'too-large',
      `${name} has ${count} values (shape (${shape.join(', ')})), over the limit of ${maxValues}.`,
    );
  const needed = count * item.size;
  if (bytes.length - header.dataOffset < needed)
    fail(
      name,
      `truncated .npy data: ${bytes.length - header.dataOffset} bytes for ${count} values of ${item.size} bytes.`,
    );
  const view = new DataView(bytes.buffer, bytes.byteOffset + header.dataOffset, needed);
  const read = (i: number): number =>
    item.float64 ? view.getFloat64(i * 8, item.littleEndian) : view.getFloat32(i * 4, item.littleEndian);
  // Fortran order stores the first axis fastest: the C-order index i maps to Σ i_k · Π_{j<k} shape_j.
  const fortranStrides = shape.map((_, k) => shape.slice(0, k).reduce((a, b) => a * b, 1));
  const nested = (dim: number, offset: number): unknown => {
    const stride = header.fortranOrder
      ? fortranStrides[dim]
      : shape.slice(dim + 1).reduce((a, b) => a * b, 1);
    return Array.from({ length: shape[dim] }, (_, i) =>
      dim === shape.length - 1 ? read(offset + i * stride) : nested(dim + 1, offset + i * stride),
    );
  };
  // Through the same checks as JSON input: a NaN or infinity is refused with its position.
  return ndArrayFromNested(nested(0, 0), name, maxValues);
}
