/**
 * The full layer's bench problem (issue 14): an RGB 512² image into 8 output channels with a
 * 3×3 kernel, "same" padding. One definition for the WebGPU bench (bench/browser/layer.ts), the
 * CPU bench (bench/node/cpu.ts) and, by name, PyTorch's rows (bench/node/pytorch_cpu.py).
 */
import type { ConvSpec } from '#core/layer';
import { convSpec, outputShape } from '#core/layer';
import type { LayerTrainConfig } from '#core/layer-types';
import { randomMatrix, randomWeights } from '#core/random';
import type { Tensor3 } from '#core/tensor';

export const LAYER_SIDE = 512;
export const LAYER_SPEC: ConvSpec = convSpec({
  inChannels: 3,
  outChannels: 8,
  kernel: [3, 3],
  padding: [1, 1],
});
const NAME = `RGB ${LAYER_SIDE}² → 8, 3×3 same`;
/** The workload names every bench uses for these rows. */
export const LAYER_FORWARD_WORKLOAD = `layer ${NAME}`;
export const LAYER_TRAIN_WORKLOAD = `train layer ${NAME}+bias, 1 step`;

function image(channels: number, rows: number, cols: number, seed: number): Tensor3 {
  return { channels, rows, cols, data: randomMatrix(channels * rows, cols, seed, -1, 1).data };
}

/** The training problem (mean loss, SGD); `x` and `initWeight` are the forward rows' inputs too. */
export function layerBenchConfig(): LayerTrainConfig {
  const x = image(3, LAYER_SIDE, LAYER_SIDE, 3);
  const out = outputShape(LAYER_SPEC, x);
  return {
    spec: LAYER_SPEC,
    x,
    y: image(LAYER_SPEC.outChannels, out.rows, out.cols, 4),
    useBias: true,
    loss: 'mean',
    optimizer: { kind: 'sgd', lr: 1e-2 },
    initWeight: randomWeights(LAYER_SPEC.outChannels, LAYER_SPEC.inChannels, ...LAYER_SPEC.kernel, 5),
    initBias: new Float32Array(LAYER_SPEC.outChannels),
  };
}
