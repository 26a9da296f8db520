/** Reading a grid from a kernel file (.json, .csv, .npy, .safetensors) with size limits: K, the initial kernel, a target Y. */
import { importKernel } from '#core/formats/index';
import { KernelStudioError } from '#core/errors';
import type { Matrix } from '#core/matrix';
import { LIMITS } from '#core/types';
import { call } from '../../api/client';

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

/** Asks main for a file (the Open dialog) and reads a grid from it; null when the user cancels. */
export async function pickMatrixFile(
  maxRows?: number,
  maxCols?: number,
): Promise<{ matrix: Matrix; name: string } | null> {
  const opened = await call('openBytes', 'kernel');
  if (!opened) return null;
  return { matrix: matrixFromFile(opened.bytes, opened.name, maxRows, maxCols), name: opened.name };
}
