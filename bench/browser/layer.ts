/**
 * Bench rows for the full layer: an RGB 512² image into 8 output channels with a 3×3 kernel
 * ("same" padding), forward and one training step, ours vs tfjs on the same adapter. The
 * rows take the bench's own `record`/`drain`/`selected`/budget (`LayerBenchHooks`), so the
 * WebGPU bench (bench/webgpu.ts) calls `benchLayer(ours, tfjs, hooks)` after its other workloads.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { outputShape } from '#core/layer';
import type { LayerTrainConfig } from '#core/layer-types';
import type { Tensor3 } from '#core/tensor';
import type { WebGpuBackend } from '../../gpu/backend';
import { layerSizeUniforms } from '../../gpu/layerWgsl';
import { LayerForwardProgram } from '../../gpu/programs/layerForwardProgram';
import type { Timing } from '../timing';
import {
  LAYER_FORWARD_WORKLOAD,
  LAYER_SIDE,
  LAYER_SPEC,
  LAYER_TRAIN_WORKLOAD,
  layerBenchConfig,
} from '../layer-problem';
import { measure } from '../timing';

export interface LayerBenchHooks {
  record(workload: string, impl: 'ours' | 'tfjs', t: Timing, note?: string): void;
  /** Submits what a backend has encoded and waits until the GPU is idle. */
  drain(b: WebGPUBackend): Promise<void>;
  selected(workload: string): boolean;
  readonly tfjsBudgetMs: number;
}

const SIDE = LAYER_SIDE;
const SPEC = LAYER_SPEC;
const layerConfig = layerBenchConfig;

/** tfjs's layout: NHWC image, [kh, kw, C, O] filter, explicit "same" padding. */
function tfjsLayer(cfg: LayerTrainConfig): {
  x4: tf.Tensor4D;
  y4: tf.Tensor4D;
  w4: tf.Tensor4D;
  b: tf.Tensor1D;
} {
  const nhwc = (t: Tensor3) =>
    tf.tidy(() => tf.tensor3d(t.data, [t.channels, t.rows, t.cols]).transpose([1, 2, 0]).expandDims(0));
  const w = cfg.initWeight;
  return {
    x4: nhwc(cfg.x) as tf.Tensor4D,
    y4: nhwc(cfg.y) as tf.Tensor4D,
    w4: tf.tidy(() =>
      tf.tensor4d(w.data, [w.outChannels, w.inChannels, w.rows, w.cols]).transpose([2, 3, 1, 0]),
    ),
    b: tf.tensor1d(Float32Array.from(cfg.initBias)),
  };
}

const PAD: [[number, number], [number, number], [number, number], [number, number]] = [
  [0, 0],
  [1, 1],
  [1, 1],
  [0, 0],
];

/** Forward: inputs resident on the GPU, one dispatch, wait for the GPU (ours and tfjs alike). */
async function benchLayerForward(
  ours: WebGpuBackend,
  tfjs: WebGPUBackend,
  hooks: LayerBenchHooks,
): Promise<void> {
  const workload = LAYER_FORWARD_WORKLOAD;
  if (!hooks.selected(workload)) return;
  const cfg = layerConfig();
  const tfb = ours.context.tfBackend;
  const out = outputShape(SPEC, cfg.x);
  const img = tfb.makeTensorInfo([3, SIDE, SIDE], 'float32', cfg.x.data);
  const kern = tfb.makeTensorInfo([cfg.initWeight.data.length], 'float32', cfg.initWeight.data);
  const bias = tfb.makeTensorInfo([SPEC.outChannels], 'float32', new Float32Array(SPEC.outChannels));
  const ourRun = async () => {
    const program = new LayerForwardProgram(SPEC, out.rows, out.cols);
    const y = tfb.runWebGPUProgram(program, [img, kern, bias], 'float32', layerSizeUniforms(cfg.x, out));
    await hooks.drain(tfb);
    tfb.disposeData(y.dataId);
  };
  hooks.record(workload, 'ours', await measure(ourRun, { warmup: 2, runs: 10 }));
  for (const t of [img, kern, bias]) tfb.disposeData(t.dataId);

  const { x4, y4, w4, b } = tfjsLayer(cfg);
  const tfjsRun = async () => {
    const y = tf.tidy(() => tf.add(tf.conv2d(x4, w4, 1, PAD), b));
    await hooks.drain(tfjs);
    y.dispose();
  };
  const t = await measure(tfjsRun, { warmup: 1, runs: 10, budgetMs: hooks.tfjsBudgetMs, minRuns: 1 });
  hooks.record(
    workload,
    'tfjs',
    t,
    t.runs < 10 ? `only ${t.runs} runs: ${hooks.tfjsBudgetMs / 1000} s budget` : 'conv2d + bias',
  );
  tf.dispose([x4, y4, w4, b]);
}

/** One training step as the app runs it: `run(1)` including its state readback; tfjs: variableGrads + SGD, loss read back. */
async function benchLayerTrainStep(
  ours: WebGpuBackend,
  tfjs: WebGPUBackend,
  hooks: LayerBenchHooks,
): Promise<void> {
  const workload = LAYER_TRAIN_WORKLOAD;
  if (!hooks.selected(workload)) return;
  const cfg = layerConfig();
  const trainer = await ours.createLayerTrainer(cfg);
  hooks.record(
    workload,
    'ours',
    await measure(async () => void (await trainer.run(1)), { warmup: 2, runs: 10 }),
  );
  trainer.dispose();

  const { x4, y4, w4, b } = tfjsLayer(cfg);
  const weight = tf.variable(w4);
  const bias = tf.variable(b);
  const lr = cfg.optimizer.lr;
  const count = y4.size;
  const tfjsStep = async () => {
    const { value, grads } = tf.variableGrads(
      () =>
        tf.div(
          tf.sum(tf.square(tf.sub(tf.add(tf.conv2d(x4, weight as tf.Tensor4D, 1, PAD), bias), y4))),
          count,
        ) as tf.Scalar,
      [weight, bias],
    );
    tf.tidy(() => {
      weight.assign(tf.sub(weight, tf.mul(grads[weight.name], lr)));
      bias.assign(tf.sub(bias, tf.mul(grads[bias.name], lr)));
    });
    tf.dispose(grads);
    await value.data();
    value.dispose();
    await hooks.drain(tfjs);
  };
  const t = await measure(tfjsStep, { warmup: 1, runs: 10, budgetMs: hooks.tfjsBudgetMs, minRuns: 1 });
  hooks.record(
    workload,
    'tfjs',
    t,
    t.runs < 10 ? `only ${t.runs} runs: ${hooks.tfjsBudgetMs / 1000} s budget` : undefined,
  );
  tf.dispose([x4, y4, w4, b, weight, bias]);
}

/** Both layer rows (forward, one training step). */
export async function benchLayer(
  ours: WebGpuBackend,
  tfjs: WebGPUBackend,
  hooks: LayerBenchHooks,
): Promise<void> {
  await benchLayerForward(ours, tfjs, hooks);
  await benchLayerTrainStep(ours, tfjs, hooks);
}
