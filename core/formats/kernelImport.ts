/**
 * Reading a kernel file back into a matrix (K, the initial kernel, a drawn target): the app's
 * Import and the CLI's readers share it. Every export is `exportLayer` (layerExport.ts).
 */
import { KernelStudioError } from '../errors';
import type { Matrix } from '../matrix';
import { IMPORT_KINDS, kindList } from './kinds';
import { parseMatrixCsv, parseMatrixJson } from './matrixText';
import { decodeNpy } from './npy';
import { decodeSafetensors } from './safetensors';
import { decodeUtf8 } from './utf8';

/** The lower-case extension of a file name, without the dot ("" if none). */
export function extensionOf(filename: string): string {
  const base = filename.split(/[\\/]/).pop() ?? filename;
  const dot = base.lastIndexOf('.');
  return dot <= 0 ? '' : base.slice(dot + 1).toLowerCase();
}

/**
 * Reads a matrix file by extension (IMPORT_KINDS.kernel): .json (a 2-D array, or our layer
 * export's one-channel `weight`), .csv (also .txt/.tsv), .npy, or .safetensors (its `weight`).
 * `filename` also names the file in error messages. A text table stops at the first line over
 * `maxSide` (a 16 MB CSV meant for a 31×31 kernel is refused after its first line, not parsed
 * whole first).
 */
export function importKernel(bytes: Uint8Array, filename: string, maxSide?: number): Matrix {
  const extension = extensionOf(filename);
  switch (extension) {
    case 'json':
      return parseMatrixJson(decodeUtf8(bytes, filename), filename);
    case 'csv':
    case 'tsv':
    case 'txt':
      return parseMatrixCsv(decodeUtf8(bytes, filename), filename, maxSide);
    case 'npy':
      return decodeNpy(bytes, filename);
    case 'safetensors':
      return decodeSafetensors(bytes, filename).weight;
    default:
      throw new KernelStudioError(
        'unsupported',
        `${filename}: unknown file type "${extension ? `.${extension}` : '(none)'}"; use ${kindList(IMPORT_KINDS.kernel)}.`,
      );
  }
}
