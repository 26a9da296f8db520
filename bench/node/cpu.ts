/**
 * The CPU benchmark: our plain-TypeScript kernels against tfjs-cpu and tfjs-wasm on the
 * same inputs in the same process. Run it with `npx jiti bench/node/run-cpu.ts`.
 */
import type { CpuPool } from '#core/cpu/index';
import { CpuLayerTrainer, forwardCpu, forwardLayerCpu } from '#core/cpu/index';
import { LAYER_FORWARD_WORKLOAD, LAYER_TRAIN_WORKLOAD, layerBenchConfig } from '../layer-problem';
import { convSpec } from '#core/layer';
import { createNodeCpuPool } from '../../node/cpu-pool';
import { tensorOfMatrix, weightsOfMatrix } from '#core/tensor';
import type { TrainConfig } from '#core/types';
import { d2lTrainConfig, largeTrainConfig } from '../configs';
import { LAYER_BIAS, corr2dInputs, reusingY } from '../cpu-workloads';
import type { BenchResult, TimingOptions } from './measure';
import { timeInTurns, timeIt } from './measure';
import { trainInTurns } from './train-turns';
import type { TfBackend } from './tfjs-peers';
import { tfForward, tfTrain, useTfBackend } from './tfjs-peers';
import { pytorchCpuPeers } from './pytorch';
import { oneKernelLayer } from '../../tests/helpers/one-kernel';

export type { BenchResult } from './measure';
export { PYTORCH_TARGETS } from './pytorch';

/** Ours always gets 10 timed runs; the tfjs peers are 10–100× slower, so they get ~4 s each (at least 3 runs). */
const FULL = { ours: { runs: 10, warmup: 3 }, peer: { runs: 10, warmup: 1, budgetMs: 4000, minRuns: 3 } };
/** `quick`: a smoke run of the harness, not figures to quote. */
const QUICK = { ours: { runs: 3, warmup: 1 }, peer: { runs: 3, warmup: 1, budgetMs: 500, minRuns: 1 } };
let OURS: TimingOptions = FULL.ours;
let PEER: TimingOptions = FULL.peer;
/** Our worker threads (one per core beyond this one), for the `ours-threads` rows. */
let pool: CpuPool;

async function forwardPeers(
  workload: string,
  side: number,
  k: number,
  bias: number | undefined,
  withPeers: boolean,
): Promise<BenchResult[]> {
  const { x, kernel } = corr2dInputs(side, k);
  const params = {
    mode: 'correlate',
    bias: bias ?? 0,
    activation: bias === undefined ? 'none' : 'relu',
  } as const;
  const outLength = (side - k + 1) ** 2;
  // The memory floor under a forward pass that writes into its previous Y, as ours does: read
  // X once (one typed-array copy into a buffer kept between runs) and write each value of Y once.
  const xCopy = new Float32Array(x.data.length);
  const yFloor = new Float32Array(outLength);
  const spec = convSpec({ kernel: [k, k], activation: params.activation });
  const [ours, threads, floor] = await timeInTurns(
    [
      reusingY((into) => forwardCpu(x, kernel, params, 'auto', into)),
      reusingY((into) =>
        pool.forwardLayer(tensorOfMatrix(x), weightsOfMatrix(kernel), [params.bias], spec, into),
      ),
      () => {
        xCopy.set(x.data);
        return yFloor.fill(0.5);
      },
    ],
    OURS,
  );
  const results: BenchResult[] = [
    { workload, backend: 'cpu', impl: 'ours', ...ours },
    { workload, backend: 'cpu', impl: 'ours-threads', ...threads },
    { workload, backend: 'cpu', impl: 'roofline', ...floor },
  ];
  for (const backend of withPeers ? (['cpu', 'wasm'] as TfBackend[]) : []) {
    await useTfBackend(backend);
    const peer = tfForward(x, kernel, bias);
    results.push({ workload, backend: 'cpu', impl: `tfjs-${backend}`, ...(await timeIt(peer.run, PEER)) });
    peer.dispose();
  }
  return results;
}

/** Training peers: tfjs-wasm has no Conv2DBackpropFilter kernel, so only tfjs-cpu trains. */
async function trainPeers(
  workload: string,
  config: TrainConfig,
  steps: number,
  withPeer: boolean,
  withThreads = false,
): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  if (withThreads) {
    const [ours, threads] = await trainInTurns(config, steps, pool, OURS);
    results.push({ workload, backend: 'cpu', impl: 'ours', ...ours });
    results.push({ workload, backend: 'cpu', impl: 'ours-threads', ...threads });
  } else {
    const one = () => new CpuLayerTrainer(oneKernelLayer(config)).runSync(steps);
    results.push({ workload, backend: 'cpu', impl: 'ours', ...(await timeIt(one, OURS)) });
  }
  if (withPeer) {
    await useTfBackend('cpu');
    results.push({
      workload,
      backend: 'cpu',
      impl: 'tfjs-cpu',
      ...(await timeIt(() => tfTrain(config, steps), PEER)),
    });
  }
  return results;
}

export interface CpuBenchOptions {
  /** Also time the tfjs peers on 2048² images (each of their runs takes 4–10 s: adds ~3 minutes). */
  peersAt2048?: boolean;
  /** Sees results as they come, so a long run shows progress. */
  onResult?: (r: BenchResult) => void;
  /** A smoke run: 1024² 3×3, edit→Y and the d2l toy only, 3 runs each. */
  quick?: boolean;
}

/** Runs every workload in one process, ours and the tfjs peers on identical inputs. */
/** Workload names match the browser bench's, so `npm run bench` can line them up. */
export async function runCpuBench({
  peersAt2048 = false,
  onResult = () => {},
  quick = false,
}: CpuBenchOptions = {}): Promise<BenchResult[]> {
  ({ ours: OURS, peer: PEER } = quick ? QUICK : FULL);
  pool = createNodeCpuPool();
  try {
    return await runAll(peersAt2048, onResult, quick);
  } finally {
    pool.dispose();
  }
}

/**
 * The RGB 512² → 8-channel 3×3 "same" layer (the WebGPU bench's layer rows): the forward pass
 * and one training step (as the app runs it: `run(1)`), one thread and every core.
 */
async function layerRows(): Promise<BenchResult[]> {
  const config = layerBenchConfig();
  const { x, initWeight: w, spec } = config;
  const bias = LAYER_BIAS;
  const [ours, threads] = await timeInTurns(
    [
      reusingY((into) => forwardLayerCpu(x, w, bias, spec, 'auto', into)),
      reusingY((into) => pool.forwardLayer(x, w, bias, spec, into)),
    ],
    OURS,
  );
  const one = new CpuLayerTrainer(config);
  const all = new CpuLayerTrainer(config, undefined, pool);
  const [step, stepThreads] = await timeInTurns([() => one.run(1), () => all.run(1)], OURS);
  one.dispose();
  all.dispose();
  const [forward, train] = [LAYER_FORWARD_WORKLOAD, LAYER_TRAIN_WORKLOAD];
  return [
    { workload: forward, backend: 'cpu', impl: 'ours', ...ours },
    { workload: forward, backend: 'cpu', impl: 'ours-threads', ...threads },
    { workload: train, backend: 'cpu', impl: 'ours', ...step },
    { workload: train, backend: 'cpu', impl: 'ours-threads', ...stepThreads },
  ];
}

async function runAll(
  peersAt2048: boolean,
  onResult: (r: BenchResult) => void,
  quick: boolean,
): Promise<BenchResult[]> {
  const all: BenchResult[] = [];
  const add = (rs: BenchResult[]): void => {
    for (const r of rs) onResult(r);
    all.push(...rs);
  };
  for (const side of quick ? [1024] : [1024, 2048])
    for (const k of quick ? [3] : [3, 7, 11])
      add(await forwardPeers(`corr2d ${side}² ${k}×${k}`, side, k, undefined, side < 2048 || peersAt2048));
  add(await forwardPeers('edit→Y 256² 11×11 (bias+relu)', 256, 11, 0.1, true));
  const d2l = d2lTrainConfig();
  add(await trainPeers('train d2l 6×8 1×2, 10 steps', d2l, 10, true));
  if (quick) {
    add(await pytorchCpuPeers(true, (line) => process.stderr.write(`${line}\n`)));
    return all;
  }
  add(await trainPeers('train d2l 6×8 1×2, 1000 steps', d2l, 1000, true));
  const medium = largeTrainConfig();
  add(await trainPeers('train 256² 5×5+bias, 100 steps', medium, 100, false, true));
  // tfjs-cpu needs ~0.7 s per step here, so it is compared on 5 steps instead of 100.
  add(await trainPeers('train 256² 5×5+bias, 5 steps', medium, 5, true));
  add(await layerRows());
  add(await pytorchCpuPeers(false, (line) => process.stderr.write(`${line}\n`)));
  return all;
}
