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

/** Writes a trained layer through the same exporter as the app (a one-channel valid layer as before). */
export function writeLayerOutput(path: string, format: OutputFormat, layer: LayerExport): Promise<void> {
  return writeFileAtomic(path, exportLayer(format, layer).bytes);
}
