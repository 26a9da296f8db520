/** The layer's options: `--stride/--padding/--dilation R,C` (or one number) and per-channel number lists. */
import type { ConvGeometry, Pair } from '#core/layer';
import { parseDecimal } from '#core/formats/numbers';
import { LAYER_LIMITS } from '#core/layer';
import type { ParsedOptions } from './args';
import { stringOption } from './args';
import { CliError } from './errors';
import { defaultDocument } from '#core/workspace/model';

/** The app's new document: the CLI's defaults (mode, activation) are the app's. */
export const DOCUMENT_DEFAULTS = defaultDocument();

/** `R,C` or one number for both, whole numbers within [min, max]. */
export function pairOption(
  options: ParsedOptions,
  name: string,
  min: number,
  max: number,
  fallback: Pair,
): Pair {
  const text = stringOption(options, name);
  if (text === undefined) return fallback;
  const parts = text.split(',').map((s) => s.trim());
  const values = parts.map(Number);
  if (
    parts.length > 2 ||
    parts.some((s) => !/^\d+$/.test(s)) ||
    values.some((v) => !Number.isInteger(v) || v < min || v > max)
  )
    throw new CliError(`--${name}: "${text}" is not R,C or one number, whole numbers from ${min} to ${max}.`);
  return values.length === 1 ? [values[0], values[0]] : [values[0], values[1]];
}

/** --stride, --padding and --dilation (PyTorch's defaults 1, 0, 1), without the kernel. */
export function geometryOptions(options: ParsedOptions): Omit<ConvGeometry, 'kernel'> {
  return {
    stride: pairOption(options, 'stride', 1, LAYER_LIMITS.maxStride, [1, 1]),
    padding: pairOption(options, 'padding', 0, LAYER_LIMITS.maxPadding, [0, 0]),
    dilation: pairOption(options, 'dilation', 1, LAYER_LIMITS.maxDilation, [1, 1]),
  };
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
  if (values.length === 1) return new Array<number>(outChannels).fill(values[0]);
  if (values.length !== outChannels)
    throw new CliError(
      `--${name}: ${values.length} values given but the layer has ${outChannels} output channel${outChannels === 1 ? '' : 's'}.`,
    );
  return values;
}
