/**
 * The full Conv2D layer on WebGPU (`LayerComputeBackend`): forward and training for C in,
 * O out, stride, zero padding, dilation, correlate/convolve and ReLU. The single-channel
 * "valid" layer goes to today's programs unchanged (`forwardWebGpu`, `WebGpuTrainer`);
 * everything else runs the layer programs (programs/layer*Program.ts).
 */
import type { ConvSpec } from '#core/layer';
import { isSingleChannelValid } from '#core/layer';
import type { LayerTrainConfig, LayerTrainer, LayerTrainSnapshot } from '#core/layer-types';
import { singleChannelConfig } from '#core/layer-types';
import type { Tensor3, Weights } from '#core/tensor';
import { weightsOfMatrix } from '#core/tensor';
import type { Trainer, TrainerResumeState } from '#core/types';
import { checkLayerForward, checkLayerTrainConfig } from '#core/validate';
import type { GpuContext } from './context';
import { raceLost, withErrorScopes } from './context';
import { layerSizeUniforms } from './layerWgsl';
import { WebGpuLayerTrainer } from './layerTrainer';
import { LayerForwardProgram } from './programs/layerForwardProgram';
import { WebGpuTrainer } from './trainer';

/**
 * One layer forward pass: O×Ho×Wo. `singleChannel` runs today's one-channel "valid" pass
 * (the backend's `forward`), which this dispatches to for such a layer.
 */
export async function forwardLayerWebGpu(
  ctx: GpuContext,
  x: Tensor3,
  w: Weights,
  bias: ArrayLike<number>,
  spec: ConvSpec,
  singleChannel: (x: Tensor3, w: Weights, bias: number) => Promise<Tensor3>,
): Promise<Tensor3> {
  const out = checkLayerForward(x, w, bias, spec);
  if (isSingleChannelValid(spec)) return singleChannel(x, w, bias[0]);
  const tfb = ctx.tfBackend;
  const result = await withErrorScopes(ctx, { kind: 'forward', rows: x.rows, cols: x.cols }, () => {
    const img = tfb.makeTensorInfo([x.channels, x.rows, x.cols], 'float32', new Float32Array(x.data));
    const kern = tfb.makeTensorInfo([w.data.length], 'float32', new Float32Array(w.data));
    const b = tfb.makeTensorInfo([spec.outChannels], 'float32', Float32Array.from(bias));
    const y = tfb.runWebGPUProgram(
      new LayerForwardProgram(spec, out.rows, out.cols),
      [img, kern, b],
      'float32',
      layerSizeUniforms(x, out),
    );
    for (const t of [img, kern, b]) tfb.disposeData(t.dataId);
    return y;
  });
  try {
    const values = (await raceLost(ctx, tfb.read(result.dataId))) as Float32Array;
    return { channels: spec.outChannels, rows: out.rows, cols: out.cols, data: new Float32Array(values) };
  } finally {
    tfb.disposeData(result.dataId);
  }
}

/** A layer training run on this device: today's trainer for the single-channel "valid" layer, else the layer programs. */
export async function createLayerTrainerWebGpu(
  ctx: GpuContext,
  config: LayerTrainConfig,
  resumeFrom?: TrainerResumeState,
): Promise<LayerTrainer> {
  checkLayerTrainConfig(config);
  if (!isSingleChannelValid(config.spec)) return WebGpuLayerTrainer.create(ctx, config, resumeFrom);
  const single = singleChannelConfig(config);
  return new SingleChannelLayerTrainer(await WebGpuTrainer.create(ctx, single, resumeFrom));
}

/** A single-channel `Trainer` seen as a `LayerTrainer` (1×1×kh×kw weight, one bias). */
class SingleChannelLayerTrainer implements LayerTrainer {
  readonly backend;
  constructor(private readonly trainer: Trainer) {
    this.backend = trainer.backend;
  }
  run(steps: number) {
    return this.trainer.run(steps);
  }
  async snapshot(): Promise<LayerTrainSnapshot> {
    const s = await this.trainer.snapshot();
    return {
      step: s.step,
      weight: weightsOfMatrix(s.weight),
      bias: Float32Array.of(s.bias),
      gradWeight: weightsOfMatrix(s.gradWeight),
      gradBias: Float32Array.of(s.gradBias),
    };
  }
  exportState(): TrainerResumeState {
    return this.trainer.exportState();
  }
  dispose(): void {
    this.trainer.dispose();
  }
}
