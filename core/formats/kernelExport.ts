/**
 * The one entry point the app and the CLI use to turn a trained kernel into a file
 * (and a file back into a matrix), so every export names its semantics the same way.
 */
import { KernelStudioError } from '../errors';
import type { Matrix } from '../matrix';
import type { Mode } from '../types';
import { imageMagickExport } from './imagemagick';
import { IMPORT_KINDS, kindList } from './kinds';
import { parseMatrixCsv, parseMatrixJson, serializeMatrixCsv, serializeMatrixJson } from './matrixText';
import { decodeNpy, encodeNpy } from './npy';
import { decodeSafetensors, encodeSafetensors } from './safetensors';
import { mxnetSnippet, pytorchSnippet } from './snippets';
import { formatFloat32 } from './numbers';
import { decodeUtf8, encodeUtf8 } from './utf8';

export const EXPORT_FORMATS = [
  'json',
  'csv',
  'npy',
  'safetensors',
  'imagemagick',
  'pytorch',
  'mxnet',
] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportedFile {
  readonly bytes: Uint8Array;
  readonly mime: string;
  /** Without the dot. */
  readonly extension: string;
}

/** One line saying what operation the kernel was trained for; repeated in every text export. */
export function modeDescription(mode: Mode): string {
  return mode === 'convolve'
    ? 'convolve: true convolution, K is rotated 180° before sliding (PyTorch/MXNet conv layers need K rotated)'
    : 'correlate: cross-correlation, K slides as is (what PyTorch/MXNet conv layers compute)';
}

/** JSON export: the 2-D kernel (rows = kh, cols = kw) plus what it means; `weight` re-imports. */
function kernelJson(kernel: Matrix, bias: number, mode: Mode): string {
  const weight = serializeMatrixJson(kernel).trimEnd().replace(/\n/g, '\n  ');
  return (
    '{\n' +
    '  "format": "kernel-studio-kernel",\n' +
    `  "mode": ${JSON.stringify(mode)},\n` +
    `  "about": ${JSON.stringify(modeDescription(mode))},\n` +
    '  "layout": "HW: a 2-D kh×kw kernel, row-major; for PyTorch/MXNet OIHW reshape to (1, 1, kh, kw), for TensorFlow HWIO to (kh, kw, 1, 1)",\n' +
    `  "shape": [${kernel.rows}, ${kernel.cols}],\n` +
    `  "bias": ${formatFloat32(bias)},\n` +
    `  "weight": ${weight}\n` +
    '}\n'
  );
}

function csvComments(kernel: Matrix, bias: number, mode: Mode): string[] {
  return [
    `Kernel Studio kernel, ${kernel.rows}×${kernel.cols} (kh×kw), row-major; bias ${formatFloat32(bias)}`,
    `mode ${modeDescription(mode)}`,
    'load with numpy.loadtxt(path, delimiter=",", ndmin=2) (lines starting with # are comments)',
  ];
}

function text(body: string, mime: string, extension: string): ExportedFile {
  return { bytes: encodeUtf8(body), mime, extension };
}

/** Serializes a kernel (and its bias and mode) in one of the export formats. */
export function exportKernel(format: ExportFormat, kernel: Matrix, bias: number, mode: Mode): ExportedFile {
  switch (format) {
    case 'json':
      return text(kernelJson(kernel, bias, mode), 'application/json', 'json');
    case 'csv':
      return text(serializeMatrixCsv(kernel, csvComments(kernel, bias, mode)), 'text/csv', 'csv');
    case 'npy':
      return { bytes: encodeNpy(kernel), mime: 'application/octet-stream', extension: 'npy' };
    case 'safetensors':
      return {
        bytes: encodeSafetensors(kernel, bias, mode),
        mime: 'application/octet-stream',
        extension: 'safetensors',
      };
    case 'imagemagick':
      return text(imageMagickExport(kernel, bias, mode), 'text/plain', 'txt');
    case 'pytorch':
      return text(pytorchSnippet(kernel, bias, mode), 'text/x-python', 'py');
    case 'mxnet':
      return text(mxnetSnippet(kernel, bias, mode), 'text/x-python', 'py');
    default:
      throw new KernelStudioError('invalid-argument', `Unknown export format "${String(format)}".`);
  }
}

/** The lower-case extension of a file name, without the dot ("" if none). */
export function extensionOf(filename: string): string {
  const base = filename.split(/[\\/]/).pop() ?? filename;
  const dot = base.lastIndexOf('.');
  return dot <= 0 ? '' : base.slice(dot + 1).toLowerCase();
}

/**
 * Reads a matrix file by extension (IMPORT_KINDS.kernel): .json, .csv (also .txt/.tsv), .npy, or
 * .safetensors (its `weight`). `filename` also names the file in error messages. A text table
 * stops at the first line over `maxSide` (a 16 MB CSV meant for a 31×31 kernel is refused after
 * its first line, not parsed whole first).
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
