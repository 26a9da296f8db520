/** Checks done in the CLI so that its messages can name the user's files, not "the image X". */
import type { ConvSpec } from '#core/layer';
import { layerOutputShape } from '#core/layer';
import type { Matrix } from '#core/matrix';
import type { Tensor3 } from '#core/tensor';
import { BOUNDS, boundText, withinBound } from '#core/bounds';
import { parseDecimal } from '#core/formats/numbers';
import { CliError } from './errors';

export function shapeText(m: Matrix): string {
  return `${m.rows}×${m.cols}`;
}

/** C×H×W, or H×W for one channel (as the file gave it). */
export function tensorText(t: Tensor3): string {
  return t.channels === 1 ? `${t.rows}×${t.cols}` : `${t.channels}×${t.rows}×${t.cols}`;
}

/**
 * The (dilated) kernel must fit inside the (padded) image. Without padding or dilation this is
 * the 'valid' rule and its message names both files; otherwise the layer's own message does.
 */
export function checkKernelFits(x: Matrix, k: Matrix, spec: ConvSpec, xName: string, kName: string): void {
  const plain =
    spec.padding[0] === 0 && spec.padding[1] === 0 && spec.dilation[0] === 1 && spec.dilation[1] === 1;
  if (plain) {
    if (k.rows > x.rows || k.cols > x.cols)
      throw new CliError(
        `${kName}: kernel is ${shapeText(k)} but the image ${xName} is only ${shapeText(x)}; the kernel must fit inside the image.`,
      );
    return;
  }
  try {
    layerOutputShape(spec, x);
  } catch (e) {
    throw new CliError(`${kName}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** The kernel's input channels must be the image's. */
export function checkChannels(
  imageChannels: number,
  kernelChannels: number,
  xName: string,
  kName: string,
): void {
  if (imageChannels !== kernelChannels)
    throw new CliError(
      `${kName}: the kernel has ${kernelChannels} input channel${kernelChannels === 1 ? '' : 's'} but the image ${xName} has ${imageChannels}; give K as ${imageChannels}×kh×kw or O×${imageChannels}×kh×kw.`,
    );
}

/** Accepts `HxW` (also `H×W` or `H,W`), each side a whole kernel side (BOUNDS.kernelSide) in the one number grammar. */
export function parseKernelShape(text: string): [number, number] {
  const parts = text.split(/[xX×,]/).map((s) => parseDecimal(s.trim()) ?? NaN);
  if (parts.length !== 2 || !parts.every((v) => withinBound(v, BOUNDS.kernelSide)))
    throw new CliError(
      `--kernel-shape: "${text}" is not HxW with sides ${boundText(BOUNDS.kernelSide)} (e.g. 1x2).`,
    );
  return [parts[0], parts[1]];
}
