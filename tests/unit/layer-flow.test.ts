import { describe, expect, it } from 'vitest';
import { layerFlow } from '#core/layer-flow';
import { outputShape } from '#core/layer';
import { layerForwardRef } from '#core/layer-reference';
import { specOfLayer, stackChannels, stackKernels, type LayerFields } from '#core/layer-stack';
import { toRows } from '#core/matrix';
import { presetById } from '#core/presets';
import { randomMatrix } from '#core/random';
import { wholeLayer } from '#core/workspace/model';

const preset = (id: string): LayerFields => wholeLayer(presetById(id)!.state);

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
    const channels = [0, 1, 2].map((s) => randomMatrix(9, 8, s + 1, -1, 1));
    const kernels = [0, 1].map((o) => [0, 1, 2].map((c) => randomMatrix(3, 2, 10 * o + c + 7, -1, 1)));
    const layer: LayerFields = {
      channels,
      kernels,
      biases: [0.25, -0.5],
      stride: [2, 1],
      padding: [1, 2],
      dilation: [2, 1],
      mode: 'convolve',
      activation: 'relu',
    };
    const spec = specOfLayer(layer);
    const { rows, cols } = outputShape(spec, channels[0]);
    const y = layerForwardRef(stackChannels(channels), stackKernels(kernels), layer.biases, spec);
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
