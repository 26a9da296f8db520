/** Reading matrices from disk, with one-line errors naming the file; writes go through node/files.ts. */
import { extensionOf, importKernel } from '#core/formats/index';
import { CLI_ARRAY_KINDS, kindList } from '#core/formats/kinds';
import type { Matrix } from '#core/matrix';
import { readRegularFile } from '../node/files';
import { CliError } from './errors';
import { decodeJpegGray, decodePngGray } from './image';

/**
 * The largest input the CLI reads: a 4096×4096 float64 .npy is 128 MiB, and a 4096² text grid at
 * about 15 characters a value is ~250 MB. Checked with stat before a byte is read.
 */
export const MAX_INPUT_BYTES = 256 * 1024 * 1024;

/** Reads a regular file of at most MAX_INPUT_BYTES; `/dev/zero`, a FIFO or a folder is refused at once. */
export function readBytes(path: string): Uint8Array {
  return readRegularFile(path, MAX_INPUT_BYTES);
}

/** Loads a matrix from any of CLI_ARRAY_KINDS; images become grayscale in 0..1. */
export function readMatrixFile(path: string): Matrix {
  const bytes = readBytes(path); // first: a device or a FIFO is named as such, whatever its name
  const extension = extensionOf(path);
  if (!CLI_ARRAY_KINDS.includes(extension))
    throw new CliError(`${path}: unknown file type; use ${kindList(CLI_ARRAY_KINDS)}.`);
  if (extension === 'png') return decodePngGray(bytes, path);
  if (extension === 'jpg' || extension === 'jpeg') return decodeJpegGray(bytes, path);
  // The app's kernel Import: .json, .csv/.tsv/.txt, .npy, .safetensors (a Conv2d(1, 1) weight).
  return importKernel(bytes, path);
}
