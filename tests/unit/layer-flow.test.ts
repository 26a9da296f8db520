import { describe, expect, it } from 'vitest';
import { layerFlow, layerIm2col, oneByOneProduct } from '#core/layer-flow';
import { outputShape } from '#core/layer';
import { layerForwardRef } from '#core/layer-reference';
import { specOfLayer, stackChannels, stackKernels, type LayerFields } from '#core/layer-stack';
import { toRows } from '#core/matrix';
import { presetById } from '#core/presets';
import { randomMatrix } from '#core/random';
import { wholeLayer } from '#core/workspace/model';

const preset = (id: string): LayerFields => wholeLayer(presetById(id)!.state);

/**
 * A 3 → 2 layer on a 9×8 X (3×2 kernels, padding, dilation, convolve, biases, ReLU) from seeds,
 * with its output shape and the reference's Y.
 */
function randomLayer(xSeed: number, kSeed: number, stride: [number, number]) {
  const channels = [0, 1, 2].map((s) => randomMatrix(9, 8, s + xSeed, -1, 1));
  const kernels = [0, 1].map((o) => [0, 1, 2].map((c) => randomMatrix(3, 2, 10 * o + c + kSeed, -1, 1)));
  const layer: LayerFields = {
    channels,
    kernels,
    biases: [0.25, -0.5],
    stride,
    padding: [1, 2],
    dilation: [2, 1],
    mode: 'convolve',
    activation: 'relu',
  };
  const spec = specOfLayer(layer);
  const { rows, cols } = outputShape(spec, channels[0]);
  const y = layerForwardRef(stackChannels(channels), stackKernels(kernels), layer.biases, spec);
  return { layer, channels, kernels, rows, cols, y };
}

describe('layerFlow', () => {
  it('d2l’s 2-channel example: X1 ⋆ K1 = [[19, 25], [37, 43]], X2 ⋆ K2 = [[37, 47], [67, 77]], their sum the book’s', () => {
    const f = layerFlow(preset('twoChannels'), 0);
    expect(f.maps.map(toRows)).toEqual([
      [
        [19, 25],
        [37, 43],
      ],
      [
        [37, 47],
        [67, 77],
      ],
    ]);
    expect(toRows(f.y)).toEqual([
      [56, 72],
      [104, 120],
    ]);
  });

  it('K + 2 (output 3): the book’s third channel', () => {
    expect(toRows(layerFlow(preset('threeOutputs'), 2).y)).toEqual([
      [96, 128],
      [192, 224],
    ]);
  });

  it('with stride, padding, dilation, a bias and ReLU, Y_o is the layer’s output channel o', () => {
    const { layer, rows, cols, y } = randomLayer(1, 7, [2, 1]);
    for (const o of [0, 1]) {
      const f = layerFlow(layer, o);
      expect(f.maps).toHaveLength(3);
      const expected = Array.from(y.slice(o * rows * cols, (o + 1) * rows * cols));
      Array.from(f.y.data).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5));
      // The sum is the maps' sum, and Y its biased, activated value (grids hold float32).
      Array.from(f.sum.data).forEach((v, i) =>
        expect(v).toBeCloseTo(
          f.maps.reduce((s, m) => s + m.data[i], 0),
          5,
        ),
      );
      Array.from(f.y.data).forEach((v, i) =>
        expect(v).toBeCloseTo(Math.max(0, f.sum.data[i] + layer.biases[o]), 5),
      );
    }
  });

  it('a layer with no output gives the layer’s one-line reason', () => {
    expect(() =>
      layerFlow({ ...preset('padSame'), padding: [0, 0], kernels: [[randomMatrix(9, 9, 1, 0, 1)]] }, 0),
    ).toThrow(/must fit inside/);
  });
});

describe('layerIm2col: any layer as one matrix product', () => {
  it('d2l’s 2-channel example: W is K1 and K2 flattened, column (1, 1) the two windows, W · cols the book’s Y', () => {
    const p = layerIm2col(preset('twoChannels'));
    expect(toRows(p.w)).toEqual([[0, 1, 2, 3, 1, 2, 3, 4]]);
    expect(toRows(p.cols).map((r) => r[0])).toEqual([0, 1, 3, 4, 1, 2, 4, 5]);
    expect(toRows(p.y)).toEqual([[56, 72, 104, 120]]);
  });

  it('a 1×1 layer: the same W, X as C×HW and Y as the 1×1 product', () => {
    const layer = preset('oneByOne');
    const p = layerIm2col(layer);
    const q = oneByOneProduct(layer)!;
    expect(toRows(p.w)).toEqual(toRows(q.w));
    expect(toRows(p.cols)).toEqual(toRows(q.x));
    expect(toRows(p.y)).toEqual(toRows(q.y));
  });

  it('padding taps read 0: the first column of "same" padding starts in the corner of the padding', () => {
    const layer = preset('padSame');
    const p = layerIm2col(layer);
    expect(p.cols.data[0]).toBe(0);
    expect(p.cols.rows).toBe(9);
    expect(p.cols.cols).toBe(layer.channels[0].rows * layer.channels[0].cols);
  });

  it('with channels, stride, padding, dilation, convolve mode, biases and ReLU, Y equals the layer reference', () => {
    const { layer, channels, kernels, rows, cols, y } = randomLayer(3, 5, [2, 3]);
    const p = layerIm2col(layer);
    expect([p.w.rows, p.w.cols, p.cols.rows, p.cols.cols]).toEqual([2, 18, 18, rows * cols]);
    expect(p.y.data).toHaveLength(y.length);
    Array.from(p.y.data).forEach((v, i) => expect(v).toBeCloseTo(y[i], 5));
    // In correlation mode W holds K as it is (not flipped), and Y still equals the reference.
    const corr = { ...layer, mode: 'correlate' as const, activation: 'none' as const };
    const yc = layerForwardRef(
      stackChannels(channels),
      stackKernels(kernels),
      layer.biases,
      specOfLayer(corr),
    );
    Array.from(layerIm2col(corr).y.data).forEach((v, i) => expect(v).toBeCloseTo(yc[i], 5));
    expect(Array.from(layerIm2col(corr).w.data.slice(0, 6))).toEqual(Array.from(kernels[0][0].data));
  });
});
