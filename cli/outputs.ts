/** `--out FILE`: the format follows the extension. */
import {
  exportKernel,
  extensionOf,
  serializeMatrixCsv,
  serializeMatrixJson,
  encodeNpy,
  encodeUtf8,
} from '../core/formats';
import type { Matrix } from '../core/matrix';
import type { Mode } from '../core/types';
import { CliError } from './errors';
import { writeFileAtomic } from '../node/files';

export type OutputFormat = 'json' | 'csv' | 'npy' | 'safetensors';

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

/** Writes a trained kernel with its bias and mode, through the same exporter as the app. */
export function writeKernelOutput(
  path: string,
  format: OutputFormat,
  kernel: Matrix,
  bias: number,
  mode: Mode,
): Promise<void> {
  return writeFileAtomic(path, exportKernel(format, kernel, bias, mode).bytes);
}
