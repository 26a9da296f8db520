/**
 * A short CPU comparison for a loaded machine: our forward pass and training on one thread and
 * on every core, in interleaved turns, then PyTorch CPU (all threads) on the same workloads, repeated
 * `--rounds=N` times (default 2) so load swings show as a spread across rounds.
 * Command: npx jiti bench/node/run-cpu-threads.ts [--rounds=3]
 */
import { CpuLayerTrainer, forwardCpu, forwardLayerCpu } from '#core/cpu/index';
import { convSpec } from '#core/layer';
import { randomKernel, randomMatrix } from '#core/random';
import { tensorOfMatrix, weightsOfMatrix } from '#core/tensor';
import { wasmKernelsAvailable } from '#core/wasm/layer';
import { createNodeCpuPool } from '../../node/cpu-pool';
import { largeTrainConfig } from '../configs';
import { LAYER_FORWARD_WORKLOAD, LAYER_TRAIN_WORKLOAD, layerBenchConfig } from '../layer-problem';
import { timeInTurns } from './measure';
import { reusingY } from '../cpu-workloads';
import { trainInTurns } from './train-turns';
import { pytorchCpuPeers } from './pytorch';

const rounds = Number(process.argv.find((a) => a.startsWith('--rounds='))?.slice(9) ?? 2);
const pool = createNodeCpuPool();
const params = { mode: 'correlate', bias: 0, activation: 'none' } as const;
const fmt = (ms: number): string => ms.toFixed(2).padStart(9);
for (let round = 1; round <= rounds; round++) {
  console.log(`— round ${round} —`);
  for (const k of [3, 7]) {
    const x = randomMatrix(1024, 1024, k, -1, 1);
    const kernel = randomKernel(k, k, k);
    const spec = convSpec({ kernel: [k, k] });
    const [one, all] = await timeInTurns(
      [
        reusingY((into) => forwardCpu(x, kernel, params, 'auto', into)),
        reusingY((into) => pool.forwardLayer(tensorOfMatrix(x), weightsOfMatrix(kernel), [0], spec, into)),
      ],
      { runs: 10, warmup: 3 },
    );
    console.log(
      `corr2d 1024² ${k}×${k}: ours 1 thread ${fmt(one.median_ms)} ms, ${pool.threads} threads ${fmt(all.median_ms)} ms`,
    );
  }
  const config = largeTrainConfig();
  const [train, trainAll, trainJs] = await trainInTurns(config, 100, pool, { runs: 5, warmup: 1 }, true);
  console.log(
    `train 256² 5×5+bias, 100 steps: ours 1 thread ${fmt(train.median_ms)} ms, ${pool.threads} threads ${fmt(trainAll.median_ms)} ms (${wasmKernelsAvailable() ? 'WebAssembly SIMD' : 'JavaScript'} step); JavaScript step, 1 thread ${fmt(trainJs.median_ms)} ms`,
  );
  const layer = layerBenchConfig();
  const trainers = [
    new CpuLayerTrainer(layer),
    new CpuLayerTrainer(layer, undefined, pool),
    new CpuLayerTrainer(layer, undefined, null, 'js'),
  ];
  const [step, stepAll, stepJs] = await timeInTurns(
    trainers.map((t) => () => t.run(1)),
    { runs: 5, warmup: 1 },
  );
  for (const t of trainers) t.dispose();
  console.log(
    `${LAYER_TRAIN_WORKLOAD}: ours 1 thread ${fmt(step.median_ms)} ms, ${pool.threads} threads ${fmt(stepAll.median_ms)} ms; JavaScript step, 1 thread ${fmt(stepJs.median_ms)} ms`,
  );
  const bias = Array.from({ length: 8 }, (_, o) => 0.05 * o);
  const [fwd, fwdAll] = await timeInTurns(
    [
      reusingY((into) => forwardLayerCpu(layer.x, layer.initWeight, bias, layer.spec, 'auto', into)),
      reusingY((into) => pool.forwardLayer(layer.x, layer.initWeight, bias, layer.spec, into)),
    ],
    { runs: 10, warmup: 3 },
  );
  console.log(
    `${LAYER_FORWARD_WORKLOAD}: ours 1 thread ${fmt(fwd.median_ms)} ms, ${pool.threads} threads ${fmt(fwdAll.median_ms)} ms`,
  );
  const rows = [
    'corr2d 1024² 3×3',
    'corr2d 1024² 7×7',
    'train 256² 5×5+bias, 100 steps',
    LAYER_FORWARD_WORKLOAD,
    LAYER_TRAIN_WORKLOAD,
  ];
  for (const r of await pytorchCpuPeers(false, (line) => console.log(line), rows))
    console.log(
      `${r.workload}: PyTorch ${fmt(r.median_ms)} ms on oneDNN's ${r.path} path (runs ${r.runs}, ${r.spread_ms?.map((t) => t.toFixed(1)).join('–')} ms; other path ${r.other_path_ms?.toFixed(2)} ms)`,
    );
}
pool.dispose();
