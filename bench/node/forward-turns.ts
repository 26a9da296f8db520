/**
 * The CPU forward rows the issue-21 targets name, ours only: corr2d 1024² 3×3 and 7×7 and the
 * layer RGB 512² → 8, 3×3 same, one thread and every core, in turns. Besides the wall-clock
 * median it reports the median process CPU time of the one-thread calls (user + system, so page
 * faults count), which moves far less than wall time on a loaded machine: the figure to compare
 * a kernel change by (run this file on both commits). The comparison with PyTorch is
 * `npx jiti bench/node/run-cpu-threads.ts`.
 * Command: npx jiti bench/node/forward-turns.ts
 */
import { forwardCpu, forwardLayerCpu } from '#core/cpu/index';
import { convSpec } from '#core/layer';
import { randomKernel, randomMatrix } from '#core/random';
import { tensorOfMatrix, weightsOfMatrix } from '#core/tensor';
import { createNodeCpuPool } from '../../node/cpu-pool';
import { LAYER_FORWARD_WORKLOAD, layerBenchConfig } from '../layer-problem';
import { median } from '../timing';
import { timeInTurns } from './measure';
import { reusingY } from '../cpu-workloads';

const pool = createNodeCpuPool();
const params = { mode: 'correlate', bias: 0, activation: 'none' } as const;

/** Median process CPU time (ms) of `fn` over `runs` calls after 3 warm-ups. */
function cpuTime(fn: () => unknown, runs = 21): number {
  for (let i = 0; i < 3; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.cpuUsage();
    fn();
    const used = process.cpuUsage(start);
    times.push((used.user + used.system) / 1000);
  }
  return median(times);
}

async function row(name: string, one: () => unknown, all: () => Promise<unknown>): Promise<void> {
  const [a, b] = await timeInTurns([one, all], { runs: 15, warmup: 3 });
  console.log(
    `${name}: wall 1 thread ${a.median_ms.toFixed(2)} ms, ${pool.threads} threads ${b.median_ms.toFixed(2)} ms; CPU time 1 thread ${cpuTime(one).toFixed(2)} ms`,
  );
}

for (const k of [3, 7]) {
  const x = randomMatrix(1024, 1024, k, -1, 1);
  const kernel = randomKernel(k, k, k);
  const spec = convSpec({ kernel: [k, k] });
  await row(
    `corr2d 1024² ${k}×${k}`,
    reusingY((into) => forwardCpu(x, kernel, params, 'auto', into)),
    reusingY((into) => pool.forwardLayer(tensorOfMatrix(x), weightsOfMatrix(kernel), [0], spec, into)),
  );
}
const { x, initWeight: w, spec } = layerBenchConfig();
const bias = Array.from({ length: 8 }, (_, o) => 0.05 * o);
await row(
  LAYER_FORWARD_WORKLOAD,
  reusingY((into) => forwardLayerCpu(x, w, bias, spec, 'auto', into)),
  reusingY((into) => pool.forwardLayer(x, w, bias, spec, into)),
);
pool.dispose();
