/**
 * Issue 21's CPU target workloads, ours on one thread, as one list both the Node bench
 * (bench/node/cpu.ts) and the Chromium one (bench/browser/cpu.bench-test.ts: the engine the app
 * runs, with relaxed-SIMD multiply-add) build from the same seeds. Pure: core only.
 */
import type { CpuPool } from '#core/cpu/index';
import { CpuLayerTrainer, forwardCpu, forwardLayerCpu } from '#core/cpu/index';
import { convSpec } from '#core/layer';
import { tensorOfMatrix, weightsOfMatrix } from '#core/tensor';
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

/**
 * name → a factory of the timed call (set up once, outside the timing): on this thread, or with a
 * `pool` on every core (its forward pass and a trainer that evaluates through it).
 */
export const CPU_TARGET_WORKLOADS: Record<string, (pool?: CpuPool) => CpuWork> = {
  'corr2d 1024² 3×3': (pool) => corr2dWork(1024, 3, pool),
  'corr2d 1024² 7×7': (pool) => corr2dWork(1024, 7, pool),
  [LAYER_FORWARD_WORKLOAD]: (pool) => {
    const { x, initWeight: w, spec } = layerBenchConfig();
    return reusingY(async (into) =>
      pool
        ? pool.forwardLayer(x, w, LAYER_BIAS, spec, into)
        : forwardLayerCpu(x, w, LAYER_BIAS, spec, 'auto', into),
    );
  },
  [LAYER_TRAIN_WORKLOAD]: (pool) => {
    const trainer = new CpuLayerTrainer(layerBenchConfig(), undefined, pool ?? null);
    return async () => {
      await trainer.run(1);
    };
  },
  'train 256² 5×5+bias, 5 steps': (pool) => trainWork(5, pool),
  'train 256² 5×5+bias, 100 steps': (pool) => trainWork(100, pool),
};

/**
 * A forward pass that writes each Y into the previous call's (`into`), as the live view does
 * with its last Y (issue 21: reuse Y across calls): what is timed is the pass, not fresh pages.
 */
export function reusingY<T extends { readonly data: Float32Array }>(
  pass: (into?: Float32Array) => Promise<T>,
): () => Promise<T>;
export function reusingY<T extends { readonly data: Float32Array }>(
  pass: (into?: Float32Array) => T,
): () => T;
export function reusingY<T extends { readonly data: Float32Array }>(
  pass: (into?: Float32Array) => T | Promise<T>,
): () => T | Promise<T> {
  let last: Float32Array | undefined;
  const keep = (y: T): T => {
    last = y.data;
    return y;
  };
  return () => {
    const y = pass(last);
    return y instanceof Promise ? y.then(keep) : keep(y);
  };
}

function corr2dWork(side: number, k: number, pool?: CpuPool): CpuWork {
  const { x, kernel } = corr2dInputs(side, k);
  const params = { mode: 'correlate', bias: 0, activation: 'none' } as const;
  const spec = convSpec({ kernel: [k, k] });
  return reusingY(async (into) =>
    pool
      ? pool.forwardLayer(tensorOfMatrix(x), weightsOfMatrix(kernel), [0], spec, into)
      : tensorOfMatrix(forwardCpu(x, kernel, params, 'auto', into)),
  );
}

/** A fresh run of `steps` steps each time, closed as the app closes it. */
function trainWork(steps: number, pool?: CpuPool): CpuWork {
  const config = oneKernelLayer(largeTrainConfig());
  return async () => {
    const trainer = new CpuLayerTrainer(config, undefined, pool ?? null);
    await trainer.run(steps);
    trainer.dispose();
  };
}
