/**
 * Tests state one-kernel problems as the float64 reference takes them (`TrainConfig`); the
 * engines take layers. This is that problem as the layer it is: one channel in and out, the
 * "valid" geometry, the same parameter vector [W…, b] (so resume states carry over).
 */
import type { LayerExport } from '#core/formats/index';
import { convSpec } from '#core/layer';
import type { LayerTrainConfig } from '#core/layer-types';
import type { Matrix } from '#core/matrix';
import type { Tensor3 } from '#core/tensor';
import { tensorOfMatrix, weightsOfMatrix } from '#core/tensor';
import type { ForwardParams, Mode, TrainConfig } from '#core/types';
import type { ComputeBackend } from '#core/layer-types';

export function oneKernelLayer(config: TrainConfig): LayerTrainConfig {
  return {
    spec: convSpec({
      kernel: [config.initWeight.rows, config.initWeight.cols],
      mode: config.mode,
      activation: config.activation,
    }),
    x: tensorOfMatrix(config.x),
    y: tensorOfMatrix(config.y),
    useBias: config.useBias,
    loss: config.loss,
    optimizer: config.optimizer,
    initWeight: weightsOfMatrix(config.initWeight),
    initBias: [config.initBias],
  };
}

/** The one-channel output of a layer forward pass, as a matrix. */
export function matrixOfChannel(y: Tensor3): Matrix {
  return { rows: y.rows, cols: y.cols, data: y.data };
}

/** `act(corr2d(X, mode(K)) + b)` for one kernel, through a backend's layer forward pass. */
export async function forwardOneKernel(
  backend: Pick<ComputeBackend, 'forwardLayer'>,
  x: Matrix,
  k: Matrix,
  params: ForwardParams,
): Promise<Matrix> {
  const spec = convSpec({ kernel: [k.rows, k.cols], mode: params.mode, activation: params.activation });
  return matrixOfChannel(
    await backend.forwardLayer(tensorOfMatrix(x), weightsOfMatrix(k), [params.bias], spec),
  );
}

/** A kernel K with its bias, as the one-channel "valid" layer the app and the CLI export. */
export function oneKernelExport(k: Matrix, bias: number, mode: Mode): LayerExport {
  return { weight: weightsOfMatrix(k), bias: [bias], spec: convSpec({ kernel: [k.rows, k.cols], mode }) };
}
