/**
 * The CPU forward rows the issue-21 targets name, ours only, one thread and every core, in turns:
 * corr2d 1024² 3×3 and 7×7, and the layer RGB 512² → 8, 3×3 same. A quick check of a kernel change
 * (the full comparison with PyTorch is `npx jiti bench/node/run-cpu-threads.ts`).
 * Command: npx jiti bench/node/forward-turns.ts
 */
import { forwardCpu, forwardLayerCpu } from '#core/cpu/index';
import { convSpec } from '#core/layer';
import { randomKernel, randomMatrix } from '#core/random';
import { tensorOfMatrix, weightsOfMatrix } from '#core/tensor';
import { createNodeCpuPool } from '../../node/cpu-pool';
import { LAYER_FORWARD_WORKLOAD, layerBenchConfig } from '../layer-problem';
import { timeInTurns } from './measure';

const pool = createNodeCpuPool();
const params = { mode: 'correlate', bias: 0, activation: 'none' } as const;
for (const k of [3, 7]) {
  const x = randomMatrix(1024, 1024, k, -1, 1);
  const kernel = randomKernel(k, k, k);
  const spec = convSpec({ kernel: [k, k] });
  const [one, all] = await timeInTurns(
    [
      () => forwardCpu(x, kernel, params),
      () => pool.forwardLayer(tensorOfMatrix(x), weightsOfMatrix(kernel), [0], spec),
    ],
    { runs: 15, warmup: 3 },
  );
  console.log(
    `corr2d 1024² ${k}×${k}: 1 thread ${one.median_ms.toFixed(2)} ms, ${pool.threads} threads ${all.median_ms.toFixed(2)} ms`,
  );
}
const { x, initWeight: w, spec } = layerBenchConfig();
const bias = Array.from({ length: 8 }, (_, o) => 0.05 * o);
const [one, all] = await timeInTurns(
  [() => forwardLayerCpu(x, w, bias, spec), () => pool.forwardLayer(x, w, bias, spec)],
  { runs: 15, warmup: 3 },
);
console.log(
  `${LAYER_FORWARD_WORKLOAD}: 1 thread ${one.median_ms.toFixed(2)} ms, ${pool.threads} threads ${all.median_ms.toFixed(2)} ms`,
);
pool.dispose();
