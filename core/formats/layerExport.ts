/**
 * The one export path: a layer (O×C×kh×kw weights, O biases, stride, padding, dilation, mode,
 * activation) into a file. A single kernel is the one-channel layer it is; there is no second
 * writer for it. Each format:
 * - `.npy`: the weight, float32 C-order, 2-D kh×kw when O = C = 1, else 4-D O×C×kh×kw;
 * - `.safetensors`: a PyTorch `Conv2d(C, O, k, stride, padding, dilation)` state dict,
 *   `weight` F32 [O, C, kh, kw] and `bias` F32 [O], the geometry in the metadata;
 * - JSON: the weight (4-D), biases and geometry; CSV: the one kh×kw kernel of an O = C = 1 layer;
 * - PyTorch/MXNet snippets that rebuild the layer with its channels and geometry;
 * - ImageMagick: the one kernel of a one-channel valid layer and the command that applies it.
 * What a format cannot hold is said in one place, `layerExportProblem`.
 * PyTorch and MXNet compute cross-correlation, so convolve mode stores each kernel rotated 180°.
 */
import { KernelStudioError } from '../errors';
import type { ConvSpec, Pair } from '../layer';
import { isSingleChannelValid } from '../layer';
import type { Weights } from '../tensor';
import { kernelOf, toNested4 } from '../tensor';
import type { Mode } from '../types';
import { imageMagickExport } from './imagemagick';
import { serializeMatrixCsv } from './matrixText';
import { encodeNpyArray } from './npy';
import { formatFloat32, formatPythonFloat } from './numbers';
import type { WeightContent } from './safetensors';
import { encodeSafetensorsTensors } from './safetensors';
import { encodeUtf8 } from './utf8';

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

/** One line saying what operation the layer was trained for; repeated in every text export. */
export function modeDescription(mode: Mode): string {
  return mode === 'convolve'
    ? 'convolve: true convolution, K is rotated 180° before sliding (PyTorch/MXNet conv layers need K rotated)'
    : 'correlate: cross-correlation, K slides as is (what PyTorch/MXNet conv layers compute)';
}

/** A trained layer: weights as Kernel Studio applies them (not rotated), one bias per output channel. */
export interface LayerExport {
  readonly weight: Weights;
  readonly bias: ArrayLike<number>;
  readonly spec: ConvSpec;
}

/** O = C = 1: the layer is one kh×kw kernel (what CSV and ImageMagick hold, and .npy writes 2-D). */
function isOneKernel(spec: ConvSpec): boolean {
  return spec.inChannels === 1 && spec.outChannels === 1;
}

/**
 * Why a format cannot hold this layer, or null when it can: the one place that says which
 * formats hold only one kernel (CSV: one 2-D table) or only the d2l "valid" kernel
 * (ImageMagick's -morphology: one 2-D kernel, no stride, padding, dilation or channels).
 */
export function layerExportProblem(format: ExportFormat, layer: LayerExport): string | null {
  const { spec } = layer;
  const single = isOneKernel(spec);
  if (format === 'imagemagick' && !isSingleChannelValid(spec))
    return single
      ? `ImageMagick's -morphology has no stride, padding or dilation; it exports only a kernel with stride 1, padding 0 and dilation 1 (this one has stride ${pairText(spec.stride)}, padding ${pairText(spec.padding)}, dilation ${pairText(spec.dilation)}).`
      : `ImageMagick's -morphology applies one 2-D kernel to one channel; this layer has ${spec.outChannels}×${spec.inChannels} kernels (out×in): use .npy, .safetensors or the PyTorch snippet.`;
  if (format === 'csv' && !single)
    return `CSV holds one 2-D kernel; this layer is ${shapeOf(layer).join('×')} (out×in×kh×kw): use .npy, .safetensors or .json.`;
  return null;
}

function pairText(p: Pair): string {
  return p[0] === p[1] ? String(p[0]) : `(${p[0]}, ${p[1]})`;
}

function pythonPair(p: Pair): string {
  return `(${p[0]}, ${p[1]})`;
}

function shapeOf(layer: LayerExport): [number, number, number, number] {
  const w = layer.weight;
  return [w.outChannels, w.inChannels, w.rows, w.cols];
}

/** The weights a cross-correlating framework needs: each kh×kw kernel rotated 180° in convolve mode. */
export function frameworkWeights(layer: LayerExport): Float32Array {
  const { weight, spec } = layer;
  if (spec.mode !== 'convolve') return weight.data;
  const size = weight.rows * weight.cols;
  const out = new Float32Array(weight.data.length);
  for (let base = 0; base < out.length; base += size)
    for (let t = 0; t < size; t++) out[base + t] = weight.data[base + size - 1 - t];
  return out;
}

function geometryMetadata(spec: ConvSpec): Record<string, string> {
  return {
    in_channels: String(spec.inChannels),
    out_channels: String(spec.outChannels),
    kernel_size: `${spec.kernel[0]},${spec.kernel[1]}`,
    stride: `${spec.stride[0]},${spec.stride[1]}`,
    padding: `${spec.padding[0]},${spec.padding[1]}`,
    dilation: `${spec.dilation[0]},${spec.dilation[1]}`,
    activation: spec.activation,
  };
}

function safetensorsLayer(layer: LayerExport): Uint8Array {
  const { spec } = layer;
  const convolve = spec.mode === 'convolve';
  const content: WeightContent = convolve ? 'kernel-rotated-180' : 'kernel';
  return encodeSafetensorsTensors(
    {
      format: 'pt',
      producer: 'kernel-studio',
      mode: spec.mode,
      layout: 'OIHW',
      weight_content: content,
      ...geometryMetadata(spec),
      note:
        `nn.Conv2d(${spec.inChannels}, ${spec.outChannels}, kernel_size=${pythonPair(spec.kernel)}, stride=${pythonPair(spec.stride)}, padding=${pythonPair(spec.padding)}, dilation=${pythonPair(spec.dilation)}).load_state_dict(...)` +
        (convolve ? '; trained as true convolution, so each weight[o, c] is K rotated 180 degrees.' : '.'),
    },
    [
      { name: 'weight', shape: shapeOf(layer), data: frameworkWeights(layer) },
      { name: 'bias', shape: [spec.outChannels], data: Array.from(layer.bias) },
    ],
  );
}

function layerJson(layer: LayerExport): string {
  const { spec } = layer;
  // Each float32 as its shortest decimal (0.3, not 0.30000001192092896), as the biases.
  const weight = JSON.stringify(toNested4(layer.weight), (_key, v: unknown) =>
    typeof v === 'number' ? Number(formatFloat32(v)) : v,
  );
  return (
    '{\n' +
    '  "format": "kernel-studio-layer",\n' +
    `  "mode": ${JSON.stringify(spec.mode)},\n` +
    `  "about": ${JSON.stringify(modeDescription(spec.mode))},\n` +
    '  "layout": "OIHW: weight[out][in][kh][kw], as PyTorch/MXNet Conv2d; K as applied (not rotated)",\n' +
    `  "shape": [${shapeOf(layer).join(', ')}],\n` +
    `  "stride": [${spec.stride.join(', ')}],\n` +
    `  "padding": [${spec.padding.join(', ')}],\n` +
    `  "dilation": [${spec.dilation.join(', ')}],\n` +
    `  "activation": ${JSON.stringify(spec.activation)},\n` +
    `  "bias": [${Array.from(layer.bias, (b) => formatFloat32(b)).join(', ')}],\n` +
    `  "weight": ${weight}\n` +
    '}\n'
  );
}

function literal(value: unknown): string {
  return Array.isArray(value) ? `[${value.map(literal).join(', ')}]` : formatPythonFloat(value as number);
}

/** PyTorch or MXNet Gluon code that rebuilds the layer with these weights. */
export function layerSnippet(layer: LayerExport, framework: 'pytorch' | 'mxnet'): string {
  const { spec } = layer;
  const shape = shapeOf(layer);
  const weight = literal(toNested4({ ...layer.weight, data: frameworkWeights(layer) }));
  const bias = literal(Array.from(layer.bias));
  const useBias = Array.from(layer.bias).some((b) => b !== 0);
  const py = (b: boolean): string => (b ? 'True' : 'False');
  // PyTorch names the step `stride`, MXNet `strides`.
  const geometry = (strideName: string): string =>
    `kernel_size=${pythonPair(spec.kernel)}, ${strideName}=${pythonPair(spec.stride)}, padding=${pythonPair(spec.padding)}, dilation=${pythonPair(spec.dilation)}`;
  const name = framework === 'pytorch' ? 'PyTorch' : 'MXNet Gluon';
  const lines = [
    `# Kernel Studio layer for ${name}: weight layout OIHW (out, in, kh, kw) = (${shape.join(', ')}), not HWIO.`,
    spec.mode === 'convolve'
      ? `# Mode: convolution. ${name}'s conv layer computes cross-correlation, so each kernel below is the trained K rotated 180°.`
      : `# Mode: cross-correlation, the same operation as ${name}'s conv layer: the weight is K as trained.`,
  ];
  if (framework === 'pytorch')
    lines.push(
      'import torch',
      'from torch import nn',
      '',
      `conv = nn.Conv2d(${spec.inChannels}, ${spec.outChannels}, ${geometry('stride')}, bias=${py(useBias)})`,
      `conv.weight.data = torch.tensor(${weight}, dtype=torch.float32)`,
      ...(useBias ? [`conv.bias.data = torch.tensor(${bias}, dtype=torch.float32)`] : []),
      '',
      `# X has shape (N, C, H, W) = (1, ${spec.inChannels}, H, W):`,
      spec.activation === 'relu' ? '# Y = torch.relu(conv(X))' : '# Y = conv(X)',
      '',
    );
  else
    lines.push(
      'from mxnet import nd',
      'from mxnet.gluon import nn',
      '',
      `conv2d = nn.Conv2D(${spec.outChannels}, ${geometry('strides')}, in_channels=${spec.inChannels}, use_bias=${py(useBias)})`,
      'conv2d.initialize()',
      `conv2d.weight.set_data(nd.array(${weight}))`,
      ...(useBias ? [`conv2d.bias.set_data(nd.array(${bias}))`] : []),
      '',
      `# X has shape (N, C, H, W) = (1, ${spec.inChannels}, H, W)`,
      spec.activation === 'relu' ? '# Y = nd.relu(conv2d(X))' : '# Y = conv2d(X)',
      '',
    );
  return lines.join('\n');
}

function csvComments(layer: LayerExport): string[] {
  const { spec } = layer;
  return [
    `Kernel Studio kernel, ${spec.kernel[0]}×${spec.kernel[1]} (kh×kw), row-major; bias ${formatFloat32(layer.bias[0])}`,
    `stride ${spec.stride.join(',')}, padding ${spec.padding.join(',')}, dilation ${spec.dilation.join(',')}`,
    `mode ${modeDescription(spec.mode)}`,
    'load with numpy.loadtxt(path, delimiter=",", ndmin=2) (lines starting with # are comments)',
  ];
}

function text(body: string, mime: string, extension: string): ExportedFile {
  return { bytes: encodeUtf8(body), mime, extension };
}

/** Serializes a layer; throws 'unsupported' with the reason when the format cannot hold it. */
export function exportLayer(format: ExportFormat, layer: LayerExport): ExportedFile {
  const { spec, weight } = layer;
  const problem = layerExportProblem(format, layer);
  if (problem !== null) throw new KernelStudioError('unsupported', problem);
  switch (format) {
    case 'json':
      return text(layerJson(layer), 'application/json', 'json');
    case 'csv':
      return text(serializeMatrixCsv(kernelOf(weight, 0, 0), csvComments(layer)), 'text/csv', 'csv');
    case 'npy':
      return {
        bytes: encodeNpyArray({
          shape: isOneKernel(spec) ? [weight.rows, weight.cols] : shapeOf(layer),
          data: weight.data,
        }),
        mime: 'application/octet-stream',
        extension: 'npy',
      };
    case 'safetensors':
      return { bytes: safetensorsLayer(layer), mime: 'application/octet-stream', extension: 'safetensors' };
    case 'imagemagick':
      return text(imageMagickExport(kernelOf(weight, 0, 0), layer.bias[0], spec.mode), 'text/plain', 'txt');
    case 'pytorch':
    case 'mxnet':
      return text(layerSnippet(layer, format), 'text/x-python', 'py');
    default:
      throw new KernelStudioError('invalid-argument', `Unknown export format "${String(format)}".`);
  }
}
