/** The drawn/imported target Y of training: its starting values and the size it must have. */
import { channel } from '#core/tensor';
import { targetY, trainingInputsOf, trainingShapes } from '#core/train/setup';
import { zeros, type Matrix } from '#core/matrix';
import type { StudioDocument } from '../../state/studio.svelte';

/** Y as the document's layer makes it (output channel 1, biases included): the starting point for drawing one. */
export function targetFromKernel(doc: StudioDocument): Matrix {
  return channel(
    targetY({ ...trainingInputsOf(doc), training: { ...doc.training, targetSource: 'kernel' } }),
    0,
  );
}

/** The smallest Y the learned kernel's shape needs on this X (a larger one is cropped to its top-left). */
export function requiredTargetShape(doc: StudioDocument): { rows: number; cols: number } {
  const { rows, cols } = trainingShapes(doc).out;
  return { rows: Math.max(1, rows), cols: Math.max(1, cols) };
}

export function blankTarget(doc: StudioDocument): Matrix {
  const { rows, cols } = requiredTargetShape(doc);
  return zeros(rows, cols);
}
