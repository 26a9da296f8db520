/** Reading a grid from a kernel file (.json, .csv, .npy, .safetensors) with size limits: K, the initial kernel, a target Y. */
import { importKernel } from '#core/formats/index';
import { KernelStudioError } from '#core/errors';
import type { Matrix } from '#core/matrix';
import { LIMITS } from '#core/types';

/** Parses the file's bytes; a grid over `maxRows`×`maxCols` is refused with a message naming the file. */
export function matrixFromFile(
  bytes: Uint8Array,
  name: string,
  maxRows: number = LIMITS.maxKernelSide,
  maxCols: number = maxRows,
): Matrix {
  // The parser stops at the first line over the larger side; the exact shape is checked below.
  const m = importKernel(bytes, name, Math.max(maxRows, maxCols));
  if (m.rows > maxRows || m.cols > maxCols)
    throw new KernelStudioError(
      'too-large',
      `${name}: the grid is ${m.rows}×${m.cols}, over the limit of ${maxRows}×${maxCols} here.`,
    );
  return m;
}
