/**
 * Ours vs tfjs on the same WebGPU adapter, side by side in one run: `runWebGpuBench`. Run in
 * Chromium by bench/browser/webgpu.bench-test.ts and in Node through Dawn by bench/node/run-webgpu.ts
 * (`npm run bench:gpu`); both hand the same rows to scripts/bench.mjs.
 *
 * GPU timings are taken by flushing the backend's command encoder and awaiting
 * queue.onSubmittedWorkDone(), the same way for ours, tfjs and the copy roofline, with
 * inputs already resident on the GPU. Training timings are what the app sees: run(n)
 * including its loss/state readback; tfjs reads its losses once at the end (its best case).
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-webgpu';
import { randomMatrix } from '#core/random';
import type { TrainConfig } from '#core/types';
import type { WebGpuBackend } from '../gpu/backend';
import { createWebGpuBackend } from '../gpu/backend';
import { forwardProgram } from '../gpu/kernelForward';
import { CopyProgram } from '../gpu/programs/copyProgram';
import type { ConvSpec } from '../gpu/stripWindow';
import type { ProgramTuning } from '../gpu/tuning';
import { d2lTrainConfig, largeTrainConfig } from './configs';
import type { Timing } from './timing';
import { measure, measureInTurns } from './timing';
import { benchLayer } from './browser/layer';
import { oneKernelLayer, forwardOneKernel } from '../tests/helpers/one-kernel';

export interface Result {
  workload: string;
  backend: 'webgpu';
  impl: 'ours' | 'tfjs' | 'roofline';
  median_ms: number;
  runs: number;
  note?: string;
}
export interface Skipped {
  workload: string;
  impl: Result['impl'];
  error: string;
}

export interface BenchOptions {
  /** A smoke run: one size, one kernel, small budgets. */
  readonly quick?: boolean;
  /** Wall-clock budget per tfjs workload (tfjs on SwiftShader takes seconds per conv). */
  readonly tfjsBudgetMs?: number;
  /** Run only the workloads whose name matches (for iterating on one program). */
  readonly only?: RegExp | null;
  /** Dispatches per wait in the batched corr2d rows (the issue's H200 table uses 50). */
  readonly batch?: number;
}

export interface BenchReport {
  readonly adapter: string;
  readonly results: Result[];
  /** Workloads an implementation could not run at all (reported, not timed). */
  readonly skipped: Skipped[];
}

let results: Result[] = [];
let skipped: Skipped[] = [];
let quick = false;
let tfjsBudgetMs = 40_000;
let only: RegExp | null = null;
let batch = 50;
const selected = (workload: string): boolean => !only || only.test(workload);

function record(workload: string, impl: Result['impl'], t: Timing, note?: string): void {
  results.push({
    workload,
    backend: 'webgpu',
    impl,
    median_ms: Number(t.medianMs.toFixed(3)),
    runs: t.runs,
    ...(note ? { note } : {}),
  });
  console.log(
    `${impl.padEnd(8)} ${workload.padEnd(40)} ${t.medianMs.toFixed(2).padStart(10)} ms  (${t.runs} runs${note ? `; ${note}` : ''})`,
  );
}

/** Submits whatever tfjs has encoded and waits until the GPU is idle. */
async function drain(b: WebGPUBackend): Promise<void> {
  b.ensureCommandEncoderReady();
  b.endComputePassEncoder();
  b.submitQueue();
  await b.device.queue.onSubmittedWorkDone();
}

async function benchCorr2d(ours: WebGpuBackend, tfjs: WebGPUBackend, side: number, k: number): Promise<void> {
  const workload = `corr2d ${side}² ${k}×${k}`;
  if (!selected(workload)) return;
  const tfb = ours.context.tfBackend;
  const tuning = ours.tuning;
  const x = randomMatrix(side, side, side, -1, 1);
  const w = randomMatrix(k, k, k, -1, 1);
  const img = tfb.makeTensorInfo([side, side], 'float32', x.data);
  const kern = tfb.makeTensorInfo([k, k], 'float32', w.data);
  const out = side - k + 1;
  const spec = { outRows: out, outCols: out, kh: k, kw: k, mode: 'correlate', activation: 'none' } as const;
  const ourRun = async () => {
    const program = forwardProgram(spec, tuning);
    const y = tfb.runWebGPUProgram(program, [img, kern], 'float32', [{ type: 'float32', data: [0] }]);
    await drain(tfb);
    tfb.disposeData(y.dataId);
  };
  record(workload, 'ours', await measure(ourRun, { warmup: 2, runs: 10 }));

  const copyRun = async () => {
    const y = tfb.runWebGPUProgram(new CopyProgram(side * side), [img], 'float32');
    await drain(tfb);
    tfb.disposeData(y.dataId);
  };
  // Filed under the corr2d workload it bounds: a vec4 copy of the same ~side² floats in and out.
  record(workload, 'roofline', await measure(copyRun, { warmup: 2, runs: 10 }), `vec4 copy of ${side}² f32`);
  if (batch > 1) await benchCorr2dBatched(tfb, workload, img, kern, spec, tuning);
  tfb.disposeData(img.dataId);
  tfb.disposeData(kern.dataId);

  const x4 = tf.tensor4d(x.data, [1, side, side, 1]);
  const w4 = tf.tensor4d(w.data, [k, k, 1, 1]);
  const tfjsRun = async () => {
    const y = tf.conv2d(x4, w4, 1, 'valid');
    await drain(tfjs);
    y.dispose();
  };
  const budget = tfjsBudgetMs;
  try {
    const t = await measure(tfjsRun, { warmup: 1, runs: 10, budgetMs: budget, minRuns: 1 });
    record(
      workload,
      'tfjs',
      t,
      t.runs < 10 ? `only ${t.runs} runs: ${budget / 1000} s budget on SwiftShader` : undefined,
    );
  } catch (e) {
    // tfjs's own limits (e.g. its conv2d dispatch on 2048² exceeds the Y/Z dispatch limit here).
    skipped.push({ workload, impl: 'tfjs', error: e instanceof Error ? e.message : String(e) });
    console.log(`tfjs     ${workload.padEnd(40)} FAILED in tfjs: ${skipped[skipped.length - 1].error}`);
  }
  tf.dispose([x4, w4]);
}

/**
 * `batch` dispatches per wait, the time divided by `batch` (the issue's "batched" column): what a
 * GPU does when the submission and the wait are not in the way. Ours and the copy roofline, each
 * writing one output over and over.
 */
async function benchCorr2dBatched(
  tfb: WebGPUBackend,
  workload: string,
  img: TensorInfo,
  kern: TensorInfo,
  spec: ConvSpec,
  tuning: ProgramTuning,
): Promise<void> {
  const name = `${workload} batched`;
  const note = `${batch} dispatches per wait, time ÷ ${batch}`;
  const side = img.shape[0];
  const batched = async (dispatch: (out: TensorInfo | undefined) => TensorInfo) => {
    let out: TensorInfo | undefined;
    const run = async () => {
      for (let i = 0; i < batch; i++) out = dispatch(out);
      await drain(tfb);
    };
    const t = await measure(run, { warmup: 1, runs: 10 });
    if (out) tfb.disposeData(out.dataId);
    return { medianMs: t.medianMs / batch, runs: t.runs };
  };
  const program = forwardProgram(spec, tuning);
  const bias = [{ type: 'float32', data: [0] }];
  record(
    name,
    'ours',
    await batched((out) => tfb.runWebGPUProgram(program, [img, kern], 'float32', bias, out)),
    note,
  );
  const copy = new CopyProgram(side * side);
  record(
    name,
    'roofline',
    await batched((out) => tfb.runWebGPUProgram(copy, [img], 'float32', undefined, out)),
    `vec4 copy of ${side}² f32; ${note}`,
  );
}

async function benchTraining(
  ours: WebGpuBackend,
  tfjs: WebGPUBackend,
  name: string,
  cfg: TrainConfig,
  steps: number,
  tfjsSteps: number,
): Promise<void> {
  const workload = `train ${name}, ${steps} steps`;
  if (!selected(workload)) return;
  const { x, y, initWeight: w } = cfg;
  const trainer = await ours.createLayerTrainer(oneKernelLayer(cfg));
  // The floor under any GPU run that reads X once and returns numbers: one dispatch (a vec4
  // copy of X) and one readback. Below this, only the adapter's round trips are left.
  const tfb = ours.context.tfBackend;
  const floats = Math.ceil((x.rows * x.cols) / 4) * 4;
  const src = tfb.makeTensorInfo(
    [floats],
    'float32',
    Float32Array.from({ length: floats }, (_, i) => x.data[i] ?? 0),
  );
  const floorRun = async () => {
    const copy = tfb.runWebGPUProgram(new CopyProgram(floats), [src], 'float32');
    await tfb.read(copy.dataId);
    tfb.disposeData(copy.dataId);
  };
  const [ourTime, floorTime] = await measureInTurns([async () => void (await trainer.run(steps)), floorRun], {
    warmup: 1,
    runs: 10,
  });
  record(workload, 'ours', ourTime, `path ${trainer.path}`);
  record(
    workload,
    'roofline',
    floorTime,
    `one dispatch + readback: vec4 copy of X (${x.rows}×${x.cols} f32), read back; timed in turns with ours`,
  );
  trainer.dispose();
  tfb.disposeData(src.dataId);

  const x4 = tf.tensor4d(x.data, [1, x.rows, x.cols, 1]);
  const y4 = tf.tensor4d(y.data, [1, y.rows, y.cols, 1]);
  const weight = tf.variable(tf.tensor4d(w.data, [w.rows, w.cols, 1, 1]));
  const bias = tf.variable(tf.scalar(cfg.initBias));
  const lr = cfg.optimizer.lr;
  const tfjsSteps_ = async () => {
    const losses: tf.Scalar[] = [];
    for (let i = 0; i < tfjsSteps; i++) {
      const { value, grads } = tf.variableGrads(
        () => {
          const pred = tf.add(tf.conv2d(x4, weight as tf.Tensor4D, 1, 'valid'), cfg.useBias ? bias : 0);
          const sq = tf.sum(tf.square(tf.sub(pred, y4)));
          return (cfg.loss === 'mean' ? tf.div(sq, y.rows * y.cols) : sq) as tf.Scalar;
        },
        cfg.useBias ? [weight, bias] : [weight],
      );
      tf.tidy(() => {
        weight.assign(tf.sub(weight, tf.mul(grads[weight.name], lr)));
        if (cfg.useBias) bias.assign(tf.sub(bias, tf.mul(grads[bias.name], lr)));
      });
      tf.dispose(grads);
      losses.push(value);
    }
    const all = tf.stack(losses);
    await all.data();
    tf.dispose([all, ...losses]);
    await drain(tfjs);
  };
  const budget = tfjsBudgetMs;
  const t = await measure(tfjsSteps_, { warmup: 1, runs: 10, budgetMs: budget, minRuns: 1 });
  const scale = steps / tfjsSteps;
  const notes = [
    scale !== 1 ? `measured ${tfjsSteps} steps, scaled ×${scale} per step` : '',
    t.runs < 10 ? `${t.runs} runs (${budget / 1000} s budget)` : '',
  ].filter(Boolean);
  record(workload, 'tfjs', { medianMs: t.medianMs * scale, runs: t.runs }, notes.join('; ') || undefined);
  tf.dispose([x4, y4, weight, bias]);
}

/**
 * What the app does after an edit: upload X and K, one forward pass (bias + ReLU), read Y
 * back. Both sides start from CPU arrays and end with the values on the CPU.
 */
async function benchEditLatency(ours: WebGpuBackend, side: number, k: number): Promise<void> {
  const workload = `edit→Y ${side}² ${k}×${k} (bias+relu)`;
  if (!selected(workload)) return;
  const x = randomMatrix(side, side, 17, -1, 1);
  const w = randomMatrix(k, k, 18, -1, 1);
  const params = { mode: 'correlate', bias: 0.1, activation: 'relu' } as const;
  record(
    workload,
    'ours',
    await measure(async () => void (await forwardOneKernel(ours, x, w, params)), { warmup: 2 }),
  );
  const tfjsRun = async () => {
    const y = tf.tidy(() =>
      tf.relu(
        tf.add(
          tf.conv2d(tf.tensor4d(x.data, [1, side, side, 1]), tf.tensor4d(w.data, [k, k, 1, 1]), 1, 'valid'),
          0.1,
        ),
      ),
    );
    await y.data();
    y.dispose();
  };
  const t = await measure(tfjsRun, { warmup: 1, runs: 10, budgetMs: tfjsBudgetMs, minRuns: 1 });
  record(
    workload,
    'tfjs',
    t,
    t.runs < 10 ? `only ${t.runs} runs: ${tfjsBudgetMs / 1000} s budget` : undefined,
  );
}

/** The whole WebGPU bench on navigator.gpu's adapter (WebGPU forced, software adapters included). */
export async function runWebGpuBench(options: BenchOptions = {}): Promise<BenchReport> {
  quick = options.quick ?? false;
  tfjsBudgetMs = options.tfjsBudgetMs || (quick ? 5_000 : 40_000);
  only = options.only ?? null;
  batch = options.batch ?? 50;
  results = [];
  skipped = [];
  if (!(await tf.setBackend('webgpu'))) throw new Error('tfjs could not start its webgpu backend');
  await tf.ready();
  const tfjs = tf.backend() as WebGPUBackend;
  const ours = await createWebGpuBackend();
  console.log(
    `adapter: ${ours.label} (fallback: ${ours.isFallbackAdapter}; programs tuned for ${ours.tuning})`,
  );
  try {
    const sides = quick ? [1024] : [1024, 2048];
    const kernels = quick ? [3] : [3, 7, 11];
    for (const side of sides) for (const k of kernels) await benchCorr2d(ours, tfjs, side, k);
    await benchEditLatency(ours, 256, 11);
    await benchTraining(ours, tfjs, 'd2l 6×8 1×2', d2lTrainConfig(), 10, 10);
    await benchTraining(ours, tfjs, 'd2l 6×8 1×2', d2lTrainConfig(), 1000, 50);
    await benchTraining(ours, tfjs, '256² 5×5+bias', largeTrainConfig(), 100, quick ? 2 : 5);
    // The full layer (issue 14): RGB 512² → 8 channels, forward and one training step, vs tfjs.
    await benchLayer(ours, tfjs, { record, drain, selected, tfjsBudgetMs });
    return { adapter: ours.label, results, skipped };
  } finally {
    ours.dispose();
  }
}
