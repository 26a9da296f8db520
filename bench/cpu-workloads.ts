/**
 * Issue 21's CPU target workloads, ours on one thread, as one list both the Node bench
 * (bench/node/cpu.ts) and the Chromium one (bench/browser/cpu.bench-test.ts: the engine the app
 * runs, with relaxed-SIMD multiply-add) build from the same seeds. Pure: core only.
 */
import { CpuLayerTrainer, forwardCpu, forwardLayerCpu } from '#core/cpu/index';
import { randomKernel, randomMatrix } from '#core/random';
import { oneKernelLayer } from '../tests/helpers/one-kernel';
import { largeTrainConfig } from './configs';
import { LAYER_FORWARD_WORKLOAD, LAYER_TRAIN_WORKLOAD, layerBenchConfig } from './layer-problem';

/** One timed call of a workload; forward passes write into their previous Y (`into`), as the live view does. */
export type CpuWork = () => unknown;

/** The X and kernel of a `corr2d side² k×k` row (the seeds every CPU row uses). */
export function corr2dInputs(side: number, k: number) {
  return { x: randomMatrix(side, side, side + k, -1, 1), kernel: randomKernel(k, k, k) };
}

/** The layer rows' biases. */
export const LAYER_BIAS = Array.from({ length: 8 }, (_, o) => 0.05 * o);

/** name → a factory of the timed call (set up once, outside the timing). */
export const CPU_TARGET_WORKLOADS: Record<string, () => CpuWork> = {
  'corr2d 1024² 3×3': () => corr2dWork(1024, 3),
  'corr2d 1024² 7×7': () => corr2dWork(1024, 7),
  [LAYER_FORWARD_WORKLOAD]: () => {
    const { x, initWeight: w, spec } = layerBenchConfig();
    let into: Float32Array | undefined;
    return () => (into = forwardLayerCpu(x, w, LAYER_BIAS, spec, 'auto', into).data);
  },
  [LAYER_TRAIN_WORKLOAD]: () => {
    const trainer = new CpuLayerTrainer(layerBenchConfig());
    return () => trainer.runSync(1);
  },
  'train 256² 5×5+bias, 5 steps': () => trainWork(5),
  'train 256² 5×5+bias, 100 steps': () => trainWork(100),
};

function corr2dWork(side: number, k: number): CpuWork {
  const { x, kernel } = corr2dInputs(side, k);
  const params = { mode: 'correlate', bias: 0, activation: 'none' } as const;
  let into: Float32Array | undefined;
  return () => (into = forwardCpu(x, kernel, params, 'auto', into).data);
}

/** A fresh run of `steps` steps each time, closed as the app closes it. */
function trainWork(steps: number): CpuWork {
  const config = oneKernelLayer(largeTrainConfig());
  return () => {
    const trainer = new CpuLayerTrainer(config);
    trainer.runSync(steps);
    trainer.dispose();
  };
}
