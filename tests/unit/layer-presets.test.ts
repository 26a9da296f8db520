import { describe, expect, it } from 'vitest';
import { forwardLayerCpu } from '#core/cpu/index';
import { outputShape } from '#core/layer';
import { specOfLayer, stackChannels, stackKernels } from '#core/layer-stack';
import { toRows } from '#core/matrix';
import { LAYER_PRESETS } from '#core/presets';
import { toNested3 } from '#core/tensor';
import { layerDocumentOf } from '../helpers/layer-documents';

const run = (id: string) => {
  const l = layerDocumentOf(id);
  return forwardLayerCpu(stackChannels(l.channels), stackKernels(l.kernels), l.biases, specOfLayer(l));
};

describe("d2l's layer presets", () => {
  it('2-channel X with a 2×2×2 K gives [[56, 72], [104, 120]]; K, K+1, K+2 give d2l’s three channels', () => {
    expect(toNested3(run('twoChannels'))).toEqual([
      [
        [56, 72],
        [104, 120],
      ],
    ]);
    expect(toNested3(run('threeOutputs'))).toEqual([
      [
        [56, 72],
        [104, 120],
      ],
      [
        [76, 100],
        [148, 172],
      ],
      [
        [96, 128],
        [192, 224],
      ],
    ]);
  });

  it('the 1×1 convolution is a per-pixel mix of the channels', () => {
    const p = LAYER_PRESETS.find((q) => q.id === 'oneByOne')!;
    const y = toNested3(run('oneByOne'));
    const x = p.state.channels!.map(toRows);
    expect(y[0]).toEqual(x[0].map((row, r) => row.map((v, c) => v - x[2][r][c])));
    expect(y[1]).toEqual(x[0].map((row, r) => row.map((v, c) => 0.5 * v + 0.5 * x[1][r][c])));
  });

  it("the padding and stride examples have d2l's shapes (8×8, 8×8, 4×4, 2×2)", () => {
    const shapes = ['padSame', 'padRect', 'strideTwo', 'strideRect'].map((id) => {
      const l = layerDocumentOf(id);
      const s = outputShape(specOfLayer(l), l.channels[0]);
      return [s.rows, s.cols];
    });
    expect(shapes).toEqual([
      [8, 8],
      [8, 8],
      [4, 4],
      [2, 2],
    ]);
  });
});
