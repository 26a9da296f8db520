/**
 * The layer as the editors hold it: X as a list of channel grids, the weight as O lists of C
 * kernel grids, O biases. Pure edits that keep the shapes consistent (every channel one H×W,
 * every kernel one kh×kw, C kernels per output, O biases) and the conversions to the engine's
 * `Tensor3`/`Weights`. Grids are never mutated; every edit returns new lists.
 */
import { resize } from './grid-ops';
import { LAYER_LIMITS, type ConvSpec, type Pair } from './layer';
import { zeros, type Matrix } from './matrix';
import type { Tensor3, Weights } from './tensor';
import type { Activation, Mode } from './types';

/** `kernels[o][c]`: the kernel from input channel c to output channel o. */
export type Kernels = readonly (readonly Matrix[])[];

/** The layer's own fields (what a document saves besides the arrays' values). */
export interface LayerFields {
  readonly channels: readonly Matrix[];
  readonly kernels: Kernels;
  readonly biases: readonly number[];
  readonly stride: Pair;
  readonly padding: Pair;
  readonly dilation: Pair;
  readonly mode: Mode;
  readonly activation: Activation;
}

/**
 * The layer's fields, listed once: the document's field list (core/workspace `DOCUMENT_FIELDS`),
 * Explore's undo snapshot, the training inputs and presets all start from it.
 */
export const LAYER_FIELDS = [
  'channels',
  'kernels',
  'biases',
  'stride',
  'padding',
  'dilation',
  'mode',
  'activation',
] as const satisfies readonly (keyof LayerFields)[];

/** `never` exactly when LAYER_FIELDS names every field of LayerFields. */
type MissingLayerFields = Exclude<keyof LayerFields, (typeof LAYER_FIELDS)[number]>;
export const layerFieldsComplete: [MissingLayerFields] extends [never] ? true : never = true;

/** The layer fields of `doc`, read one by one (a live document's fields are accessors, not spreadable). */
export function layerOf(doc: LayerFields): LayerFields {
  return Object.fromEntries(LAYER_FIELDS.map((f) => [f, doc[f]])) as unknown as LayerFields;
}

/**
 * One kernel applied to each of `channels` input channels separately (depthwise): output o reads
 * input o alone through `k` (zero kernels elsewhere), so a colour X gives a colour Y.
 */
export function perChannel(k: Matrix, channels: number): Matrix[][] {
  return Array.from({ length: channels }, (_, o) =>
    Array.from({ length: channels }, (_, c) => (c === o ? k : zeros(k.rows, k.cols))),
  );
}

const fit = (m: Matrix, like: Matrix): Matrix =>
  m.rows === like.rows && m.cols === like.cols ? m : resize(m, like.rows, like.cols);

/** Channel `i` replaced by `m`; when its size changes, the other channels are cropped or zero-padded to it. */
export function withChannel(channels: readonly Matrix[], i: number, m: Matrix): Matrix[] {
  return channels.map((c, j) => (j === i ? m : fit(c, m)));
}

/** Kernel (o, c) replaced by `m`; when its size changes, every other kernel is cropped or zero-padded to it. */
export function withKernel(kernels: Kernels, o: number, c: number, m: Matrix): Matrix[][] {
  return kernels.map((row, p) => row.map((k, j) => (p === o && j === c ? m : fit(k, m))));
}

/** One more input channel: a zero channel in X and a zero kernel in every output. */
export function addInputChannel(
  layer: Pick<LayerFields, 'channels' | 'kernels'>,
): Pick<LayerFields, 'channels' | 'kernels'> {
  const x0 = layer.channels[0];
  const k0 = layer.kernels[0][0];
  if (layer.channels.length >= LAYER_LIMITS.maxChannels) return layer;
  return {
    channels: [...layer.channels, zeros(x0.rows, x0.cols)],
    kernels: layer.kernels.map((row) => [...row, zeros(k0.rows, k0.cols)]),
  };
}

/** Input channel `i` removed from X and from every output's kernels (never the last one). */
export function removeInputChannel(
  layer: Pick<LayerFields, 'channels' | 'kernels'>,
  i: number,
): Pick<LayerFields, 'channels' | 'kernels'> {
  if (layer.channels.length <= 1) return layer;
  return {
    channels: layer.channels.filter((_, j) => j !== i),
    kernels: layer.kernels.map((row) => row.filter((_, j) => j !== i)),
  };
}

/** One more output channel: C zero kernels and a zero bias. */
export function addOutputChannel(
  layer: Pick<LayerFields, 'kernels' | 'biases'>,
): Pick<LayerFields, 'kernels' | 'biases'> {
  const k0 = layer.kernels[0][0];
  if (layer.kernels.length >= LAYER_LIMITS.maxChannels) return layer;
  return {
    kernels: [...layer.kernels, layer.kernels[0].map(() => zeros(k0.rows, k0.cols))],
    biases: [...layer.biases, 0],
  };
}

/** Output channel `o` removed with its bias (never the last one). */
export function removeOutputChannel(
  layer: Pick<LayerFields, 'kernels' | 'biases'>,
  o: number,
): Pick<LayerFields, 'kernels' | 'biases'> {
  if (layer.kernels.length <= 1) return layer;
  return { kernels: layer.kernels.filter((_, p) => p !== o), biases: layer.biases.filter((_, p) => p !== o) };
}

/** X as the engine's C×H×W tensor (a copy). */
export function stackChannels(channels: readonly Matrix[]): Tensor3 {
  const { rows, cols } = channels[0];
  const data = new Float32Array(channels.length * rows * cols);
  channels.forEach((m, c) => data.set(m.data, c * rows * cols));
  return { channels: channels.length, rows, cols, data };
}

/** The weight as the engine's O×C×kh×kw array (a copy). */
export function stackKernels(kernels: Kernels): Weights {
  const inChannels = kernels[0].length;
  const { rows, cols } = kernels[0][0];
  const size = rows * cols;
  const data = new Float32Array(kernels.length * inChannels * size);
  kernels.forEach((row, o) => row.forEach((k, c) => data.set(k.data, (o * inChannels + c) * size)));
  return { outChannels: kernels.length, inChannels, rows, cols, data };
}

/** The `ConvSpec` these fields describe (C, O, kh, kw from the arrays). */
export function specOfLayer(layer: LayerFields): ConvSpec {
  const k = layer.kernels[0][0];
  return {
    inChannels: layer.channels.length,
    outChannels: layer.kernels.length,
    kernel: [k.rows, k.cols],
    stride: layer.stride,
    padding: layer.padding,
    dilation: layer.dilation,
    mode: layer.mode,
    activation: layer.activation,
  };
}

/** X replaced by `channels`; every output keeps its kernels for the channels that remain and gets zero kernels for new ones. */
export function withInputs(
  layer: Pick<LayerFields, 'kernels'>,
  channels: readonly Matrix[],
): Pick<LayerFields, 'channels' | 'kernels'> {
  const k0 = layer.kernels[0][0];
  return {
    channels,
    kernels: layer.kernels.map((row) => channels.map((_, c) => row[c] ?? zeros(k0.rows, k0.cols))),
  };
}
