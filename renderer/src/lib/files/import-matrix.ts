/** Picking a kernel file through main's Open dialog and reading its grid (matrix-file.ts). */
import type { Matrix } from '#core/matrix';
import { call } from '../../api/client';
import { matrixFromFile } from './matrix-file';

/** Asks main for a file (the Open dialog) and reads a grid from it; null when the user cancels. */
export async function pickMatrixFile(
  maxRows?: number,
  maxCols?: number,
): Promise<{ matrix: Matrix; name: string } | null> {
  const opened = await call('openBytes', 'kernel');
  if (!opened) return null;
  return { matrix: matrixFromFile(opened.bytes, opened.name, maxRows, maxCols), name: opened.name };
}
