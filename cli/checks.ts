/** Checks done in the CLI so that its messages can name the user's files, not "the image X". */
import type { Matrix } from '../core/matrix';
import { CliError } from './errors';

export function shapeText(m: Matrix): string {
  return `${m.rows}×${m.cols}`;
}

/** The kernel must fit inside the image in both axes for a 'valid' correlation. */
export function checkKernelFits(x: Matrix, k: Matrix, xName: string, kName: string): void {
  if (k.rows > x.rows || k.cols > x.cols)
    throw new CliError(
      `${kName}: kernel is ${shapeText(k)} but the image ${xName} is only ${shapeText(x)}; the kernel must fit inside the image.`,
    );
}

/** Accepts `HxW` (also `H×W` or `H,W`) with both sides from 1 to `maxSide`. */
export function parseKernelShape(text: string, maxSide: number): [number, number] {
  const match = /^\s*(\d+)\s*[xX×,]\s*(\d+)\s*$/.exec(text);
  const h = match ? Number(match[1]) : NaN;
  const w = match ? Number(match[2]) : NaN;
  if (!match || h < 1 || w < 1 || h > maxSide || w > maxSide)
    throw new CliError(`--kernel-shape: "${text}" is not HxW with sides from 1 to ${maxSide} (e.g. 1x2).`);
  return [h, w];
}
