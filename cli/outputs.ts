/** `--out FILE`: the format follows the extension. */
import type { LayerExport } from '#core/formats/index';
import {
  encodeNpyArray,
  exportLayer,
  extensionOf,
  layerExportProblem,
  serializeMatrixCsv,
  serializeMatrixJson,
  encodeNpy,
  encodeUtf8,
} from '#core/formats/index';
import type { Matrix } from '#core/matrix';
import type { Tensor3 } from '#core/tensor';
import { toNested3 } from '#core/tensor';
import { LAYER_LIMITS } from '#core/layer';
import { LIMITS } from '#core/types';
import { CliError } from './errors';
import { writeFileAtomic } from '../node/files';

export type OutputFormat = 'json' | 'csv' | 'npy' | 'safetensors';

/** The most values Y may hold: what the CLI reads as one array (256 MiB of float32). */
export const MAX_OUTPUT_VALUES = LAYER_LIMITS.maxValues;
/**
 * The most values written as text (stdout, --json, .json, .csv): one 4096² image. Text takes
 * about 15 characters a value, and more would near V8's longest string (2^29 characters).
 */
export const MAX_TEXT_VALUES = LIMITS.maxImageSide * LIMITS.maxImageSide;

/**
 * Refuses, before anything is computed, a Y too large to hold (`shape` is O×Ho×Wo) or, when it
 * goes out as text, to write: exit 2 with what to change.
 */
export function checkOutputSize(shape: readonly number[], asText: boolean): void {
  const values = shape.reduce((a, b) => a * b, 1);
  const what = `Y would be ${shape.join('×')} (${values} values)`;
  if (values > MAX_OUTPUT_VALUES)
    throw new CliError(
      `${what}, over the limit of ${MAX_OUTPUT_VALUES} (${(MAX_OUTPUT_VALUES * 4) / 2 ** 20} MiB of float32); use fewer output channels, a stride or a smaller X.`,
    );
  if (asText && values > MAX_TEXT_VALUES)
    throw new CliError(
      `${what}, too many to write as text (at most ${MAX_TEXT_VALUES}); write it with --out FILE.npy.`,
    );
}

/** Checks `--out` before any work is done, so a typo does not cost a training run. */
export function outputFormatOf(path: string, allowSafetensors: boolean): OutputFormat {
  const extension = extensionOf(path);
  if (extension === 'json' || extension === 'csv' || extension === 'npy') return extension;
  if (extension === 'safetensors') {
    if (allowSafetensors) return extension;
    throw new CliError(
      `--out ${path}: .safetensors holds a trained kernel; corr2d writes .json, .csv or .npy.`,
    );
  }
  const allowed = allowSafetensors ? '.json, .csv, .npy or .safetensors' : '.json, .csv or .npy';
  throw new CliError(`--out ${path}: unknown output type; use ${allowed}.`);
}

/** Writes a plain matrix (corr2d's Y), atomically (the same writer as the app's saves). */
export async function writeMatrixOutput(path: string, format: OutputFormat, m: Matrix): Promise<void> {
  const bytes =
    format === 'npy'
      ? encodeNpy(m)
      : encodeUtf8(format === 'csv' ? serializeMatrixCsv(m) : serializeMatrixJson(m));
  await writeFileAtomic(path, bytes);
}

/** Several output channels fit .json and .npy only; checked before any work. */
export function checkStackOutput(path: string, format: OutputFormat): void {
  if (format === 'csv')
    throw new CliError(
      `--out ${path}: Y has several channels and CSV holds one 2-D matrix; use .json or .npy.`,
    );
}

/** Writes an O×Ho×Wo output: nested JSON or a 3-D .npy. */
export async function writeStackOutput(path: string, format: OutputFormat, t: Tensor3): Promise<void> {
  checkStackOutput(path, format);
  const bytes =
    format === 'npy'
      ? encodeNpyArray({ shape: [t.channels, t.rows, t.cols], data: t.data })
      : encodeUtf8(`${JSON.stringify(toNested3(t))}\n`);
  await writeFileAtomic(path, bytes);
}

/** Refuses, before training, a format that cannot hold the layer (CSV of several kernels). */
export function checkLayerOutput(path: string, format: OutputFormat, layer: LayerExport): void {
  const problem = layerExportProblem(format, layer);
  if (problem !== null) throw new CliError(`--out ${path}: ${problem}`);
}

/** Writes a trained layer through the same exporter as the app (one kernel is the one-channel layer it is). */
export function writeLayerOutput(path: string, format: OutputFormat, layer: LayerExport): Promise<void> {
  return writeFileAtomic(path, exportLayer(format, layer).bytes);
}
