/**
 * The flow of one output channel o of a layer, as CNN Explainer draws it: each input channel's
 * intermediate map X_c ⋆ K_{o,c} (with the layer's stride, padding, dilation and mode), their sum,
 * plus the bias b_o, through the activation, into Y_o. Float64, from the reference layer.
 */
import { layerOutputShape, windowTaps } from './layer';
import { layerForwardRef } from './layer-reference';
import { specOfLayer, type LayerFields } from './layer-stack';
import { fromRows, type Matrix } from './matrix';
import { matmul, slidKernel } from './im2col';
import { activate } from './reference';
import { tensorOfMatrix, weightsOfMatrix } from './tensor';

export interface LayerFlow {
  /** X_c ⋆ K_{o,c}, one per input channel. */
  readonly maps: readonly Matrix[];
  /** Σ_c X_c ⋆ K_{o,c}. */
  readonly sum: Matrix;
  readonly bias: number;
  /** sum + b_o. */
  readonly biased: Matrix;
  /** activation(sum + b_o): the layer's Y_o. */
  readonly y: Matrix;
}

const grid = (rows: number, cols: number, v: (i: number) => number): Matrix =>
  fromRows(Array.from({ length: rows }, (_, r) => Array.from({ length: cols }, (_, c) => v(r * cols + c))));

/** The flow of output channel `o`; throws the layer's one-line error when it has no output. */
export function layerFlow(layer: LayerFields, o: number): LayerFlow {
  const spec = { ...specOfLayer(layer), inChannels: 1, outChannels: 1, activation: 'none' as const };
  const { rows, cols } = layerOutputShape(spec, layer.channels[0]);
  const maps = layer.channels.map((x, c) => {
    const y = layerForwardRef(tensorOfMatrix(x), weightsOfMatrix(layer.kernels[o][c]), [0], spec);
    return grid(rows, cols, (i) => y[i]);
  });
  const sum = grid(rows, cols, (i) => maps.reduce((s, m) => s + m.data[i], 0));
  const bias = layer.biases[o];
  const biased = grid(rows, cols, (i) => sum.data[i] + bias);
  const y = grid(rows, cols, (i) => activate(biased.data[i], layer.activation));
  return { maps, sum, bias, biased, y };
}

/** A 1×1 convolution as a matrix product: W (O×C) times X reshaped to C×(H·W) gives Y as O×(H·W). */
export interface OneByOneProduct {
  readonly w: Matrix;
  readonly x: Matrix;
  readonly y: Matrix;
}

/** The product for a layer with 1×1 kernels, stride 1, no padding (null for any other layer). */
export function oneByOneProduct(layer: LayerFields): OneByOneProduct | null {
  const k = layer.kernels[0][0];
  const plain = [...layer.stride, ...layer.padding.map((p) => p + 1)].every((v) => v === 1);
  if (k.rows !== 1 || k.cols !== 1 || !plain) return null;
  const w = fromRows(layer.kernels.map((row) => row.map((m) => m.data[0])));
  const x = fromRows(layer.channels.map((c) => Array.from(c.data)));
  return { w, x, y: matmul(w, x) };
}

/**
 * Any layer as one matrix product (im2col): W, the O×(C·kh·kw) matrix whose row o is output
 * channel o's kernels as slid (flipped in convolve mode) and flattened, times the
 * (C·kh·kw)×(Ho·Wo) matrix whose column i·Wo+j holds the taps of output cell (i, j) over every
 * input channel (spread by the dilation, moved by the stride, 0 in the padding), gives the
 * O×(Ho·Wo) product; + b_o and the activation give Y with its channels flattened.
 */
export interface LayerIm2col {
  readonly w: Matrix;
  readonly cols: Matrix;
  /** W · cols, before the bias. */
  readonly product: Matrix;
  /** activation(W · cols + b): row o is Y_o flattened. */
  readonly y: Matrix;
}

/** The im2col product of `layer`; throws the layer's one-line error when it has no output. */
export function layerIm2col(layer: LayerFields): LayerIm2col {
  const spec = specOfLayer(layer);
  const { rows: oh, cols: ow } = layerOutputShape(spec, layer.channels[0]);
  const taps = Array.from({ length: oh * ow }, (_, p) => windowTaps(spec, Math.floor(p / ow), p % ow));
  const rows = layer.channels.flatMap((x) =>
    taps[0].map((_, t) =>
      taps.map((cell) => {
        const { rows: r, cols: q } = cell[t];
        return r >= 0 && q >= 0 && r < x.rows && q < x.cols ? x.data[r * x.cols + q] : 0;
      }),
    ),
  );
  const cols = fromRows(rows);
  const w = fromRows(
    layer.kernels.map((row) => row.flatMap((k) => Array.from(slidKernel(k, layer.mode).data))),
  );
  const product = matmul(w, cols);
  const n = oh * ow;
  const y = grid(w.rows, n, (i) =>
    activate(product.data[i] + layer.biases[Math.floor(i / n)], layer.activation),
  );
  return { w, cols, product, y };
}
