/**
 * Reading images and kernels of any rank: X as H×W or C×H×W (nested JSON, .npy, or a PNG/JPEG
 * with --color), K as kh×kw, C×kh×kw or O×C×kh×kw. A 2-D file goes through readMatrixFile, so
 * everything that read before reads the same, with the same messages.
 */
import { decodeNpyArray, decodeUtf8, extensionOf, readNpyHeader } from '#core/formats/index';
import { jsonArrayOf, matrixFromJson, parseJsonText } from '#core/formats/matrixText';
import { LAYER_LIMITS } from '#core/layer';
import type { NdArray, Tensor3, Weights } from '#core/tensor';
import { ndArrayFromNested, tensor3Of, weightsOf } from '#core/tensor';
import { CliError } from './errors';
import { readBytes, readMatrixFile } from './files';
import { decodeJpegRgb, decodePngRgb } from './image';

function matrixArray(path: string): NdArray {
  const m = readMatrixFile(path);
  return { shape: [m.rows, m.cols], data: m.data };
}

function depth(value: unknown): number {
  let d = 0;
  for (let v = value; Array.isArray(v) && d < 5; v = v[0]) d++;
  return d;
}

/** Reads an array of rank 2 to 4 by extension; `color` keeps a PNG/JPEG's R, G, B as 3 channels. */
export function readArrayFile(path: string, color = false): NdArray {
  const extension = extensionOf(path);
  const image = extension === 'png' || extension === 'jpg' || extension === 'jpeg';
  if (color && image) {
    const t =
      extension === 'png' ? decodePngRgb(readBytes(path), path) : decodeJpegRgb(readBytes(path), path);
    return { shape: [t.channels, t.rows, t.cols], data: t.data };
  }
  if (extension === 'json') {
    // Read and parsed once; a 2-D array goes through the same check as every matrix file.
    const parsed = parseJsonText(decodeUtf8(readBytes(path), path), path);
    const value = jsonArrayOf(parsed);
    if (depth(value) === 3 || depth(value) === 4)
      return ndArrayFromNested(value, path, LAYER_LIMITS.maxValues);
    const m = matrixFromJson(parsed, path);
    return { shape: [m.rows, m.cols], data: m.data };
  }
  if (extension === 'npy') {
    const bytes = readBytes(path);
    const rank = readNpyHeader(bytes, path).shape.length;
    if (rank === 3 || rank === 4) return decodeNpyArray(bytes, path, LAYER_LIMITS.maxValues);
  }
  return matrixArray(path);
}

/** The image X: H×W or C×H×W; `--color` applies to PNG/JPEG only. */
export function readImageFile(path: string, color: boolean): Tensor3 {
  const extension = extensionOf(path);
  if (color && extension !== 'png' && extension !== 'jpg' && extension !== 'jpeg')
    throw new CliError(`--color: ${path} is not a PNG or JPEG image; give a 3-D array for several channels.`);
  return tensor3Of(readArrayFile(path, color), path);
}

/** A kernel: kh×kw, C×kh×kw (one output) or O×C×kh×kw. */
export function readWeightsFile(path: string): { weights: Weights; rank: number } {
  const a = readArrayFile(path);
  return { weights: weightsOf(a, path), rank: a.shape.length };
}
