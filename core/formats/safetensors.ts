/**
 * The .safetensors format (https://huggingface.co/docs/safetensors): an 8-byte
 * little-endian header length, a JSON header (we pad it with spaces to 8-byte
 * alignment) mapping tensor names to dtype/shape/data_offsets, then the raw bytes.
 *
 * The layer export (layerExport.ts) writes what `nn.Conv2d(C, O, k, …).load_state_dict`
 * expects: `weight` F32 [O, C, kh, kw] (OIHW) and `bias` F32 [O]. PyTorch's conv2d is
 * cross-correlation, so in convolve mode `weight` holds K rotated 180° and the metadata says
 * so; reading a one-kernel file back as K undoes the rotation.
 */
import { KernelStudioError } from '../errors';
import type { Matrix } from '../matrix';
import { flip2d } from '../matrix';
import type { Mode } from '../types';
import { checkDimensions, checkFinite } from '../validate';
import { decodeUtf8, encodeUtf8 } from './utf8';

const HEADER_ALIGNMENT = 8;
/** Refuse absurd header lengths before decoding them (the reference implementation caps at 100 MB). */
const MAX_HEADER_BYTES = 100_000_000;

/** Says what `weight` holds relative to the kernel K shown in Kernel Studio. */
export type WeightContent = 'kernel' | 'kernel-rotated-180';

export interface SafetensorsKernel {
  /** The kernel K as Kernel Studio applies it (rotation undone). */
  readonly weight: Matrix;
  readonly bias: number;
  readonly mode: Mode;
  readonly metadata: Readonly<Record<string, string>>;
}

interface TensorEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

/** A named F32 tensor to write. */
export interface NamedTensor {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: ArrayLike<number>;
}

/** Writes F32 tensors in order after a JSON header (padded with spaces to 8-byte alignment). */
export function encodeSafetensorsTensors(
  metadata: Readonly<Record<string, string>>,
  tensors: readonly NamedTensor[],
): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const t of tensors) {
    header[t.name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + t.data.length * 4] };
    offset += t.data.length * 4;
  }
  const text = JSON.stringify(header);
  const padding = (HEADER_ALIGNMENT - (encodeUtf8(text).length % HEADER_ALIGNMENT)) % HEADER_ALIGNMENT;
  const json = encodeUtf8(text + ' '.repeat(padding)); // spaces are one byte each in UTF-8
  const out = new Uint8Array(8 + json.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let at = 8 + json.length;
  for (const t of tensors)
    for (let i = 0; i < t.data.length; i++, at += 4) view.setFloat32(at, t.data[i], true);
  return out;
}

function fail(name: string, problem: string): never {
  throw new KernelStudioError('format', `${name}: ${problem}`);
}

/** Parses and checks the header: lengths, JSON, and offsets that stay inside the data. */
export function readSafetensorsHeader(
  bytes: Uint8Array,
  name: string,
): { tensors: Record<string, TensorEntry>; metadata: Record<string, string>; dataStart: number } {
  if (bytes.length < 8) fail(name, 'not a .safetensors file (shorter than 8 bytes).');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = view.getBigUint64(0, true);
  if (length > BigInt(Math.min(MAX_HEADER_BYTES, bytes.length - 8)))
    fail(name, 'not a .safetensors file (header length exceeds the file).');
  const dataStart = 8 + Number(length);
  let parsed: unknown;
  try {
    parsed = JSON.parse(decodeUtf8(bytes.subarray(8, dataStart), name));
  } catch (e) {
    if (e instanceof KernelStudioError) throw e;
    fail(name, 'the .safetensors header is not valid JSON.');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    fail(name, 'the .safetensors header is not a JSON object.');
  const { __metadata__: rawMetadata, ...tensors } = parsed as Record<string, unknown>;
  const metadata: Record<string, string> = {};
  if (rawMetadata !== undefined && rawMetadata !== null && typeof rawMetadata === 'object')
    for (const [k, v] of Object.entries(rawMetadata)) if (typeof v === 'string') metadata[k] = v;
  const dataLength = bytes.length - dataStart;
  for (const [key, entry] of Object.entries(tensors)) {
    const e = entry as Partial<TensorEntry> | null;
    const offsets = e?.data_offsets;
    if (
      !e ||
      typeof e.dtype !== 'string' ||
      !Array.isArray(e.shape) ||
      !e.shape.every((d) => typeof d === 'number') ||
      !Array.isArray(offsets) ||
      offsets.length !== 2 ||
      !Number.isInteger(offsets[0]) ||
      !Number.isInteger(offsets[1]) ||
      offsets[0] < 0 ||
      offsets[1] < offsets[0] ||
      offsets[1] > dataLength
    )
      fail(name, `tensor "${key}" has a malformed or out-of-range entry.`);
  }
  return { tensors: tensors as Record<string, TensorEntry>, metadata, dataStart };
}

/** Reads one F32/F64 tensor's values, after checking every dimension (1 to the image limit). */
function readTensor(
  bytes: Uint8Array,
  dataStart: number,
  entry: TensorEntry,
  key: string,
  name: string,
): Float64Array {
  checkDimensions(entry.shape, `${name}: tensor "${key}"`);
  const size = entry.dtype === 'F32' ? 4 : entry.dtype === 'F64' ? 8 : 0;
  if (size === 0)
    throw new KernelStudioError(
      'unsupported',
      `${name}: tensor "${key}" is ${entry.dtype}; F32 or F64 is needed.`,
    );
  const count = entry.shape.reduce((a, b) => a * b, 1);
  const [begin, end] = entry.data_offsets;
  if (end - begin !== count * size)
    fail(name, `tensor "${key}" has ${end - begin} bytes for shape [${entry.shape.join(', ')}].`);
  const view = new DataView(bytes.buffer, bytes.byteOffset + dataStart + begin, end - begin);
  const values = new Float64Array(count);
  for (let i = 0; i < count; i++)
    values[i] = size === 4 ? view.getFloat32(i * 4, true) : view.getFloat64(i * 8, true);
  return values;
}

/** Reads the kernel of a one-channel layer export (or any Conv2d(1, 1) state dict with a 2-D or 1×1×kh×kw weight). */
export function decodeSafetensors(bytes: Uint8Array, name: string): SafetensorsKernel {
  const { tensors, metadata, dataStart } = readSafetensorsHeader(bytes, name);
  const weightEntry = tensors.weight;
  if (weightEntry === undefined) fail(name, 'no "weight" tensor.');
  const shape = weightEntry.shape;
  const is2d = shape.length === 2;
  const isOihw = shape.length === 4 && shape[0] === 1 && shape[1] === 1;
  if (!is2d && !isOihw)
    throw new KernelStudioError(
      'unsupported',
      `${name}: weight shape [${shape.join(', ')}] is not [1, 1, kh, kw] or [kh, kw].`,
    );
  const [rows, cols] = shape.slice(-2);
  const stored = {
    rows,
    cols,
    data: new Float32Array(readTensor(bytes, dataStart, weightEntry, 'weight', name)),
  };
  checkFinite(stored, name);
  const weight = metadata.weight_content === 'kernel-rotated-180' ? flip2d(stored) : stored;
  const biasEntry = tensors.bias;
  const bias = biasEntry === undefined ? 0 : (readTensor(bytes, dataStart, biasEntry, 'bias', name)[0] ?? 0);
  const mode: Mode = metadata.mode === 'convolve' ? 'convolve' : 'correlate';
  return { weight, bias, mode, metadata };
}
