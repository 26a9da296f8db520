/**
 * The layer engine on WebGPU: forward and training for C in, O out, stride, zero padding,
 * dilation, correlate/convolve and ReLU. The shape picks the programs: a one-kernel "valid"
 * layer runs the one-kernel specializations (kernelForward.ts, trainer.ts: strips, tiles, the
 * one-dispatch training loop), every other layer the layer programs (programs/layer*Program.ts).
 */
import type { ConvSpec } from '#core/layer';
import { isSingleChannelValid } from '#core/layer';
import { KernelStudioError } from '#core/errors';
import type { LayerTrainConfig, LayerTrainer } from '#core/layer-types';
import type { Tensor3, Weights } from '#core/tensor';
import { channel, kernelOf, tensorOfMatrix } from '#core/tensor';
import type { TrainerResumeState } from '#core/types';
import { checkLayerForward, checkLayerTrainConfig } from '#core/validate';
import type { GpuContext } from './context';
import { raceLost, withErrorScopes } from './context';
import { layerSizeUniforms } from './layerWgsl';
import { WebGpuLayerTrainer } from './layerTrainer';
import { LayerForwardProgram } from './programs/layerForwardProgram';
import { forwardKernelWebGpu } from './kernelForward';
import type { TrainPath } from './trainer';
import { WebGpuTrainer, isSingleKernelLayer } from './trainer';
import type { ProgramTuning } from './tuning';

/**
 * One layer forward pass: O×Ho×Wo. A one-kernel "valid" layer runs the one-kernel programs
 * (kernelForward.ts), every other layer the layer program.
 */
export async function forwardLayerWebGpu(
  ctx: GpuContext,
  x: Tensor3,
  w: Weights,
  bias: ArrayLike<number>,
  spec: ConvSpec,
  tuning: ProgramTuning,
): Promise<Tensor3> {
  const out = checkLayerForward(x, w, bias, spec);
  if (isSingleChannelValid(spec)) {
    const params = { mode: spec.mode, activation: spec.activation, bias: bias[0] };
    return tensorOfMatrix(await forwardKernelWebGpu(ctx, channel(x, 0), kernelOf(w, 0, 0), params, tuning));
  }
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

/** A GPU layer run, and which program family runs it (the shape picks it; tests may pin it). */
export type GpuLayerTrainer = LayerTrainer & { readonly path: TrainPath | 'layer' };

/**
 * A layer training run on this device: a one-kernel "valid" layer on the one-kernel programs
 * (trainer.ts; `path` pins their family), every other layer on the layer programs.
 */
export async function createLayerTrainerWebGpu(
  ctx: GpuContext,
  config: LayerTrainConfig,
  resumeFrom?: TrainerResumeState,
  path?: TrainPath,
): Promise<GpuLayerTrainer> {
  checkLayerTrainConfig(config);
  if (isSingleKernelLayer(config)) return WebGpuTrainer.create(ctx, config, resumeFrom, path);
  if (path) throw new KernelStudioError('invalid-argument', `The ${path} programs train one kernel only.`);
  return WebGpuLayerTrainer.create(ctx, config, resumeFrom);
}
