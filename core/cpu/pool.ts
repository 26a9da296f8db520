/**
 * Every core for the CPU forward pass: the output is cut into bands of output rows, one per
 * thread, and each band is computed by `forwardLayerCpu` on the slice of (padded) X under it,
 * with padding 0. Every output value sees the same window, weights and summation order as in
 * one thread, so the result is bit-identical. The threads themselves are the host's (worker
 * threads in the CLI, Web Workers in the renderer): core only sees `BandPort`s, so it stays pure.
 *
 * Training uses the same bands: each thread keeps its band of X and Y for the whole run and, per
 * step, gets the parameters and returns its part of the loss and gradients (sums over its output
 * rows), which this thread adds up. Only the summation order differs from one thread.
 */
import { multiplyAdds, type ConvSpec } from '../layer';
import type { LayerTrainConfig } from '../layer-types';
import { lossScale } from '../optimizers';
import type { Tensor3, Weights } from '../tensor';
import { X_NAME, checkInto, checkLayerForward, checkTensor3, rejectNonFinite } from '../validate';
import { forwardLayerCpu, padTensor, slidWeights } from './layer';
import { layerEvaluate } from './layer-trainer';
import type { SharedForwardJob } from '../wasm/layer';
import { runSharedRows, wasmKernelsApply, wasmSharedForward, wasmSharedMemoryAvailable } from '../wasm/layer';
import type { CpuPool, EvaluateInto } from './evaluation';

export type { CpuPool, PooledEvaluation } from './evaluation';

/** One band's forward job: a plain, structured-cloneable problem (X already padded, padding 0). */
export interface ForwardTask {
  readonly kind: 'forward';
  readonly x: Tensor3;
  readonly w: Weights;
  readonly bias: readonly number[];
  readonly spec: ConvSpec;
}

/** Chunks of rows of a forward pass set up in a shared memory (`wasmSharedForward`). */
export interface ForwardRowsTask {
  readonly kind: 'forward-rows';
  readonly job: SharedForwardJob;
  readonly chunk: number;
}

/** A training run's band problem (X rows, Y rows, padding 0, the sum loss), kept by the worker as `run`. */
export interface TrainOpenTask {
  readonly kind: 'train-open';
  readonly run: number;
  readonly config: BandTrainProblem;
}

/** One step of run `run` at `params`: the band's loss and gradients come back. */
export interface TrainStepTask {
  readonly kind: 'train-step';
  readonly run: number;
  readonly params: Float64Array;
}

export interface TrainCloseTask {
  readonly kind: 'train-close';
  readonly run: number;
}

type PoolTask = ForwardTask | ForwardRowsTask | TrainOpenTask | TrainStepTask | TrainCloseTask;

/** What a worker is sent; `id` pairs it with its result. */
export type BandTask = PoolTask & { readonly id: number };

export interface BandResult {
  readonly id: number;
  readonly y?: Tensor3;
  readonly loss?: number;
  readonly grads?: Float64Array;
  readonly error?: string;
}

/** The part of a layer run one band evaluates. */
export type BandTrainProblem = Pick<LayerTrainConfig, 'spec' | 'x' | 'y' | 'useBias' | 'initWeight'>;

/** The evaluation of one band's problem: loss summed over its outputs, gradients unscaled. */
function bandEvaluate(p: BandTrainProblem): EvaluateInto {
  return layerEvaluate({ ...p, loss: 'sum' }, p.x, p.y);
}

/** Multiply-adds of one forward pass of `spec` onto an oh×ow output: what decides whether bands pay. */
function forwardMacs(spec: ConvSpec, oh: number, ow: number): number {
  return multiplyAdds(spec, { rows: oh, cols: ow });
}

/** A worker's training runs, by id. */
export type BandRuns = Map<number, { evaluate: EvaluateInto; grads: Float64Array }>;

/** A worker as core sees it; the host adapts worker_threads or Web Workers to this. */
export interface BandPort {
  post(task: BandTask, transfer: ArrayBuffer[]): void;
  onResult(listener: (result: BandResult) => void): void;
  terminate(): void;
}

/** What a worker runs on each message (`runs` is the worker's own): the band's result, or the error's message. */
export function runBandTask(task: BandTask, runs: BandRuns): { result: BandResult; transfer: ArrayBuffer[] } {
  try {
    switch (task.kind) {
      case 'forward': {
        const y = forwardLayerCpu(task.x, task.w, task.bias, task.spec);
        return { result: { id: task.id, y }, transfer: [y.data.buffer as ArrayBuffer] };
      }
      case 'forward-rows':
        runSharedRows(task.job, task.chunk);
        return { result: { id: task.id }, transfer: [] };
      case 'train-open': {
        const size = task.config.initWeight.data.length + task.config.spec.outChannels;
        runs.set(task.run, { evaluate: bandEvaluate(task.config), grads: new Float64Array(size) });
        return { result: { id: task.id }, transfer: [] };
      }
      case 'train-step': {
        const run = runs.get(task.run);
        if (!run) throw new Error(`No training run ${task.run} in this worker.`);
        const loss = run.evaluate(task.params, run.grads);
        return { result: { id: task.id, loss, grads: run.grads }, transfer: [] };
      }
      case 'train-close':
        runs.get(task.run)?.evaluate.release?.();
        runs.delete(task.run);
        return { result: { id: task.id }, transfer: [] };
    }
  } catch (e) {
    return { result: { id: task.id, error: e instanceof Error ? e.message : String(e) }, transfer: [] };
  }
}

/**
 * Below this many multiply-adds a forward pass stays on the calling thread. A JavaScript band
 * costs a copy of its X rows and a round trip (~0.1–1 ms); so does a WebAssembly band without a
 * shared memory, and its pass is 4–8× faster, so the crossover is higher (measured on 2 cores:
 * 1024² 3×3, 9.4M, 4.1–4.5 ms on one thread, 13–28 ms pooled; 7×7, 46M, 12.5–14 ms on one
 * thread, 9 ms pooled). A band in a shared memory costs only the round trip, but in a page that
 * round trip can cost a frame: after an input Chromium defers the page's tasks, a worker's answer
 * included, until the next frame is drawn (bench:app: one cell edit at 256², 6–14M multiply-adds,
 * went from Y drawn ~5–7 ms after the click on one thread to ~12–14 ms through a worker). So a
 * pass one thread finishes within a frame (~3 ms here at 2²⁵) stays on it there too.
 */
export const POOL_MIN_MACS = { js: 1 << 21, wasm: 1 << 25, shared: 1 << 25 } as const;

/** The forward threshold for `spec`, by the kernels its bands will run. */
export function forwardPoolMinMacs(spec: ConvSpec): number {
  if (!wasmKernelsApply(spec)) return POOL_MIN_MACS.js;
  return wasmSharedMemoryAvailable() ? POOL_MIN_MACS.shared : POOL_MIN_MACS.wasm;
}

/**
 * Below this many multiply-adds per step (forward and gradient together) a training run stays
 * on the calling thread: each step costs one round trip to every worker (~0.05–0.3 ms). The
 * WebAssembly step (core/wasm) does 4–6× the multiply-adds of the JavaScript one in the same
 * time, so the same round trip needs a larger problem before it pays.
 */
export const TRAIN_POOL_MIN_MACS = { js: 1 << 21, wasm: 1 << 23 } as const;

/** The threshold for a run of `spec`, by the kernels its bands will run. */
export function trainPoolMinMacs(spec: ConvSpec): number {
  return wasmKernelsApply(spec) ? TRAIN_POOL_MIN_MACS.wasm : TRAIN_POOL_MIN_MACS.js;
}

/** [start, end) output-row ranges, none empty, as even as whole rows allow. */
export function rowBands(rows: number, parts: number): [number, number][] {
  const n = Math.max(1, Math.min(parts, rows));
  return Array.from({ length: n }, (_, b) => [Math.floor((rows * b) / n), Math.floor((rows * (b + 1)) / n)]);
}

/**
 * Chunks per thread of a shared-memory pass: each thread takes the next chunk when it is done
 * with one, so a slow core (another program on it, a worker that woke late) costs only its last
 * chunk, not half the pass. A chunk is a wasm call and an atomic add (microseconds).
 */
const CHUNKS_PER_THREAD = 8;

/** The rows of one chunk of a shared `rows`-row pass over `threads` threads. */
export function sharedChunk(rows: number, threads: number): number {
  return Math.max(1, Math.ceil(rows / (CHUNKS_PER_THREAD * threads)));
}

/** Rows [from, to) of every channel of t, as a new tensor. */
function sliceRows(t: Tensor3, from: number, to: number): Tensor3 {
  const rows = to - from;
  const data = new Float32Array(t.channels * rows * t.cols);
  for (let c = 0; c < t.channels; c++) {
    const at = (c * t.rows + from) * t.cols;
    data.set(t.data.subarray(at, at + rows * t.cols), c * rows * t.cols);
  }
  return { channels: t.channels, rows, cols: t.cols, data };
}

/** The band problem for output rows [r0, r1): the padded-X rows under them and a padding-0 spec. */
function bandProblem(xp: Tensor3, spec: ConvSpec, r0: number, r1: number): { x: Tensor3; spec: ConvSpec } {
  const [kh] = spec.kernel;
  const [sh] = spec.stride;
  const [dh] = spec.dilation;
  const x = sliceRows(xp, r0 * sh, (r1 - 1) * sh + (kh - 1) * dh + 1);
  return { x, spec: { ...spec, padding: [0, 0] } };
}

/**
 * A pool over `ports` (the host's workers); the calling thread computes one band itself.
 * Small problems run on the calling thread alone.
 */
export function createCpuPool(ports: readonly BandPort[]): CpuPool {
  let nextId = 0;
  let nextRun = 0;
  const pending = new Map<number, { resolve: (r: BandResult) => void; reject: (e: Error) => void }>();
  for (const port of ports)
    port.onResult((r) => {
      if (r.id < 0) {
        // The port itself failed (a worker crashed): nothing it holds will come back.
        for (const w of pending.values()) w.reject(new Error(r.error ?? 'CPU worker failed'));
        pending.clear();
        return;
      }
      const waiter = pending.get(r.id);
      if (!waiter) return;
      pending.delete(r.id);
      if (r.error === undefined) waiter.resolve(r);
      else waiter.reject(new Error(r.error));
    });
  const send = (port: BandPort, task: PoolTask, transfer: ArrayBuffer[] = []): Promise<BandResult> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      port.post({ ...task, id }, transfer);
    });
  const forwardBand = async (port: BandPort, task: Omit<ForwardTask, 'kind'>): Promise<Tensor3> => {
    const r = await send(port, { kind: 'forward', ...task }, [task.x.data.buffer as ArrayBuffer]);
    if (!r.y) throw new Error('CPU worker returned no output');
    return r.y;
  };
  return {
    threads: ports.length + 1,
    async forwardLayer(x, w, bias, spec, into) {
      const { rows: oh, cols: ow } = checkLayerForward(x, w, bias, spec, false);
      checkInto(into, spec.outChannels * oh * ow);
      if (ports.length === 0 || forwardMacs(spec, oh, ow) < forwardPoolMinMacs(spec) || oh < 2)
        return forwardLayerCpu(x, w, bias, spec, 'auto', into);
      const nonFinite = (): never => rejectNonFinite(x, X_NAME);
      const pass = wasmSharedForward(x, slidWeights(w.data, spec), bias, spec, { into, nonFinite });
      if (pass) {
        const chunk = sharedChunk(oh, ports.length + 1);
        // Every thread runs chunks of rows in the one shared memory: nothing is copied per chunk.
        const remote = ports.map((port) => send(port, { kind: 'forward-rows', job: pass.job!, chunk }));
        let failure: { reason: unknown } | undefined;
        try {
          pass.load();
          pass.runChunks(chunk);
        } catch (e) {
          failure = { reason: e };
        }
        // No chunk may still be running when the memory goes back to the cache.
        for (const r of await Promise.allSettled(remote)) if (r.status === 'rejected') failure ??= r;
        if (failure) {
          pass.release();
          throw failure.reason;
        }
        return pass.finish();
      }
      checkTensor3(x, X_NAME);
      const bands = rowBands(oh, ports.length + 1);
      const xp = padTensor(x, spec.padding);
      const biasList = Array.from(bias);
      // Workers take bands 1…n (each gets its own copy of X's rows, transferred); this thread takes band 0.
      const remote = bands
        .slice(1)
        .map(([r0, r1], b) => forwardBand(ports[b], { ...bandProblem(xp, spec, r0, r1), w, bias: biasList }));
      const first = bandProblem(xp, spec, bands[0][0], bands[0][1]);
      const ys = [forwardLayerCpu(first.x, w, biasList, first.spec), ...(await Promise.all(remote))];
      const out = into ?? new Float32Array(spec.outChannels * oh * ow);
      ys.forEach((y, b) => {
        const [r0] = bands[b];
        for (let o = 0; o < spec.outChannels; o++)
          out.set(y.data.subarray(o * y.rows * ow, (o + 1) * y.rows * ow), (o * oh + r0) * ow);
      });
      return { channels: spec.outChannels, rows: oh, cols: ow, data: out };
    },
    async trainEvaluation(config, minMacs = trainPoolMinMacs(config.spec)) {
      const { spec } = config;
      const oh = config.y.rows;
      const ow = config.y.cols;
      // A step is a forward pass and a gradient pass of the same size.
      if (ports.length === 0 || 2 * forwardMacs(spec, oh, ow) < minMacs || oh < 2) return null;
      const xp = padTensor(config.x, spec.padding);
      const bands = rowBands(oh, ports.length + 1);
      const problems: BandTrainProblem[] = bands.map(([r0, r1]) => ({
        ...bandProblem(xp, spec, r0, r1),
        y: sliceRows(config.y, r0, r1),
        useBias: config.useBias,
        initWeight: config.initWeight,
      }));
      const run = nextRun++;
      const remote = ports.slice(0, bands.length - 1);
      await Promise.all(
        remote.map((port, b) => {
          const p = problems[b + 1];
          return send(port, { kind: 'train-open', run, config: p }, [
            p.x.data.buffer as ArrayBuffer,
            p.y.data.buffer as ArrayBuffer,
          ]);
        }),
      );
      const local = bandEvaluate(problems[0]);
      const scale = lossScale(config.loss, spec.outChannels * oh * ow);
      let closed = false;
      return {
        async evaluate(params, grads) {
          const parts = remote.map((port) => send(port, { kind: 'train-step', run, params }));
          let loss = local(params, grads);
          for (const part of await Promise.all(parts)) {
            loss += part.loss ?? NaN;
            const g = part.grads;
            if (!g || g.length !== grads.length) throw new Error('CPU worker returned no gradients');
            for (let i = 0; i < grads.length; i++) grads[i] += g[i];
          }
          if (scale !== 1) for (let i = 0; i < grads.length; i++) grads[i] *= scale;
          return loss * scale;
        },
        close() {
          if (closed) return;
          closed = true;
          for (const port of remote) send(port, { kind: 'train-close', run }).catch(() => {});
        },
      };
    },
    dispose() {
      for (const port of ports) port.terminate();
      for (const waiter of pending.values()) waiter.reject(new Error('CPU pool disposed'));
      pending.clear();
    },
  };
}

/** The threads a host should start: one per core beyond the caller's, at most 15. */
export function workersFor(cores: number): number {
  return Math.max(0, Math.min(15, Math.floor(cores) - 1));
}
