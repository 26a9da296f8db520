import { forwardCpu } from '../../../../core/cpu';
import type { Matrix } from '../../../../core/matrix';
import { targetY } from '../../../../core/train/setup';
import type { Mode } from '../../../../core/types';
import type { StudioDocument } from '../../state/studio.svelte';

export interface KernelSource {
  readonly kernel: Matrix;
  readonly bias: number;
  readonly mode: Mode;
  readonly learned: boolean;
}

/** What Export saves: the learned kernel and bias, or K and its bias when nothing is learned yet. */
export function kernelToExport(doc: StudioDocument): KernelSource {
  return doc.learnedWeight
    ? { kernel: doc.learnedWeight, bias: doc.learnedBias, mode: doc.mode, learned: true }
    : { kernel: doc.k, bias: doc.bias, mode: doc.mode, learned: false };
}

/** "[[1, -1], [0, 2]]": a compact view of a small kernel. */
export function describeKernel(m: Matrix): string {
  const rows: string[] = [];
  for (let r = 0; r < m.rows; r++)
    rows.push(`[${Array.from(m.data.subarray(r * m.cols, (r + 1) * m.cols)).join(', ')}]`);
  return `${m.rows}×${m.cols} [${rows.join(', ')}]`;
}

/**
 * The grids Export saves as PNG: X; Y, the training target (core's targetY, the
 * one training learns: the drawn Y, or X ⋆ K + the target bias); Ŷ from the
 * learned kernel (null before any run).
 */
export function exportGrid(doc: StudioDocument, which: 'x' | 'y' | 'yhat'): Matrix | null {
  if (which === 'x') return doc.x;
  const params = { mode: doc.mode, activation: doc.activation };
  if (which === 'y') return targetY(doc);
  return doc.learnedWeight
    ? forwardCpu(doc.x, doc.learnedWeight, { ...params, bias: doc.learnedBias })
    : null;
}
