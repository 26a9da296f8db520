/** Checks done in the CLI so that its messages can name the user's files, not "the image X". */
import type { ConvSpec } from '#core/layer';
import { layerOutputShape } from '#core/layer';
import type { Matrix } from '#core/matrix';
import type { Tensor3 } from '#core/tensor';
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

/** Accepts `HxW` (also `H×W` or `H,W`) with both sides from 1 to `maxSide`. */
export function parseKernelShape(text: string, maxSide: number): [number, number] {
  const match = /^\s*(\d+)\s*[xX×,]\s*(\d+)\s*$/.exec(text);
  const h = match ? Number(match[1]) : NaN;
  const w = match ? Number(match[2]) : NaN;
  if (!match || h < 1 || w < 1 || h > maxSide || w > maxSide)
    throw new CliError(`--kernel-shape: "${text}" is not HxW with sides from 1 to ${maxSide} (e.g. 1x2).`);
  return [h, w];
}
