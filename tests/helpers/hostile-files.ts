/** Small hostile files the decoders must refuse quickly: headers that promise absurd shapes. */

/** A version-1.0 .npy (float32, C order) whose header states `shape` (Python tuple text), with no data. */
export function npyWithShape(shape: string): Uint8Array {
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shape}, }`;
  const unpadded = 10 + dict.length + 1;
  const header = dict + ' '.repeat(Math.ceil(unpadded / 64) * 64 - unpadded) + '\n';
  const out = new Uint8Array(10 + header.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(Buffer.from(header, 'latin1'), 10);
  return out;
}

/** A .safetensors whose `weight` header states `shape` (raw JSON text, e.g. "[1e300, 0]") and zero data bytes. */
export function safetensorsWithShape(shape: string): Uint8Array {
  const json = Buffer.from(`{"weight":{"dtype":"F32","shape":${shape},"data_offsets":[0,0]}}`);
  const out = new Uint8Array(8 + json.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  return out;
}
