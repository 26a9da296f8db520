/** The layer's options: `--stride/--padding/--dilation R,C` (or one number) and per-channel number lists. */
import type { Pair } from '#core/layer';
import { parseDecimal } from '#core/formats/numbers';
import type { ConvSpec } from '#core/layer';
import { samePadding } from '#core/layer';
import type { NumberBound } from '#core/bounds';
import { BOUNDS, boundText, withinBound } from '#core/bounds';
import { specForWeights } from '#core/layer-types';
import type { Weights } from '#core/tensor';
import type { Activation, Mode } from '#core/types';
import type { ParsedOptions } from './args';
import { stringOption } from './args';
import { CliError } from './errors';
import { defaultDocument } from '#core/workspace/model';

/** The app's new document: the CLI's defaults (mode, activation) are the app's. */
export const DOCUMENT_DEFAULTS = defaultDocument();

/** `R,C` or one number for both, each inside `bound` in the one number grammar (`1e0` is 1). */
export function pairOption(options: ParsedOptions, name: string, bound: NumberBound, fallback: Pair): Pair {
  const text = stringOption(options, name);
  if (text === undefined) return fallback;
  const parts = text.split(',');
  const values = parts.map((s) => parseDecimal(s.trim()) ?? NaN);
  if (parts.length > 2 || values.some((v) => !withinBound(v, bound)))
    throw new CliError(`--${name}: "${text}" is not R,C or one number, each ${boundText(bound)}.`);
  return values.length === 1 ? [values[0], values[0]] : [values[0], values[1]];
}

/** The layer's geometry as the options give it: `--padding same` waits for the kernel's size. */
export interface CliGeometry {
  readonly stride: Pair;
  readonly padding: Pair | 'same';
  readonly dilation: Pair;
}

/** --stride, --padding (R,C, one number or `same`) and --dilation (PyTorch's defaults 1, 0, 1), without the kernel. */
export function geometryOptions(options: ParsedOptions): CliGeometry {
  const same = stringOption(options, 'padding') === 'same';
  return {
    stride: pairOption(options, 'stride', BOUNDS.stride, [1, 1]),
    padding: same ? 'same' : pairOption(options, 'padding', BOUNDS.padding, [0, 0]),
    dilation: pairOption(options, 'dilation', BOUNDS.dilation, [1, 1]),
  };
}

/**
 * The layer for weights `w`: `--padding same` is PyTorch's padding='same' (stride 1, Y the size of
 * X), (d·(k − 1)) / 2 zeros a side, the app's "Same padding" (core's samePadding).
 */
export function layerSpec(w: Weights, geometry: CliGeometry, mode: Mode, activation: Activation): ConvSpec {
  let padding = geometry.padding;
  if (padding === 'same') {
    if (geometry.stride[0] !== 1 || geometry.stride[1] !== 1)
      throw new CliError(
        `--padding same needs stride 1 (as PyTorch's padding='same'); --stride is ${geometry.stride.join(',')}.`,
      );
    const same = samePadding({ kernel: [w.rows, w.cols], dilation: geometry.dilation });
    if (same === null)
      throw new CliError(
        `--padding same: the ${w.rows}×${w.cols} kernel (dilation ${geometry.dilation.join(',')}) needs more zeros on one side than the other, which a symmetric padding cannot give; use an odd kernel size or --padding R,C.`,
      );
    padding = same;
  }
  return specForWeights(w, {
    stride: geometry.stride,
    padding,
    dilation: geometry.dilation,
    mode,
    activation,
  });
}

/**
 * One finite number or a comma-separated list (`0.5` or `0.5,-1,2`), one per output channel:
 * a single number applies to every channel, a list must have exactly `outChannels` values.
 */
export function perChannelOption(options: ParsedOptions, name: string, outChannels: number): number[] {
  const text = stringOption(options, name);
  if (text === undefined) return new Array<number>(outChannels).fill(0);
  const parts = text.split(',');
  // The one decimal grammar (no 0x10, no blanks): core/formats/numbers.ts.
  const values = parts.map((s) => parseDecimal(s) ?? NaN);
  const bad = values.findIndex((v) => !Number.isFinite(v));
  if (bad !== -1)
    throw new CliError(
      `--${name}: "${parts[bad]}" is not a finite number (write it in decimal, e.g. 0.5 or 3e-2).`,
    );
  const outside = values.find((v) => !withinBound(v, BOUNDS.bias));
  if (outside !== undefined) throw new CliError(`--${name}: ${outside} must be ${boundText(BOUNDS.bias)}.`);
  if (values.length === 1) return new Array<number>(outChannels).fill(values[0]);
  if (values.length !== outChannels)
    throw new CliError(
      `--${name}: ${values.length} values given but the layer has ${outChannels} output channel${outChannels === 1 ? '' : 's'}.`,
    );
  return values;
}
