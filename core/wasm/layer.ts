/**
 * The WebAssembly SIMD layer programs at work. Training: per run, compiles (or reuses) the
 * program for the run's shape, copies X and Y into its memory once, and per step writes the slid
 * weights and biases, runs it and reads the loss and gradients back. Forward: per call, copies
 * X, weights and biases into the instance kept for the last shape and copies Y out. Null where
 * the layer has a stride (the JavaScript path handles it), the problem is too large for one
 * wasm32 memory, the runtime has no SIMD, or the page's CSP forbids compiling WebAssembly: the
 * caller keeps the JavaScript path, which is also the reference the programs are tested against.
 */
import type { ConvSpec } from '../layer';
import { lossScale } from '../optimizers';
import type { LossKind } from '../types';
import type { Tensor3 } from '../tensor';
import { moduleBytes, wasmFmaSupported, wasmSimdSupported } from './emit';
import type { LayerLayout, LayerPurpose } from './layer-program';
import { MAX_BYTES, layerFunctions, layerKey, layerLayout } from './layer-program';
import type { WasmInstance } from './runtime';
import { memoryBuffer, webAssembly } from './runtime';
import type { WasmMemory } from './runtime';

/**
 * The loss at slid weights `w` and biases `bias`; ∂L/∂w (slid layout) into `gradW`, ∂L/∂b into
 * `gradB`. The same contract as `layerLossAndGradsCpu` (core/cpu/layer.ts) on the run's X and Y.
 */
export type LayerLossAndGrads = ((
  w: Float64Array,
  bias: ArrayLike<number>,
  loss: LossKind,
  gradW: Float64Array,
  gradB: Float64Array,
) => number) & {
  /** Hands the instance back for the next run of the same shape (call once, when the run is closed). */
  readonly release: () => void;
};

/**
 * What a worker needs to run rows of a forward pass whose memory is shared (`runSharedRows`):
 * the compiled module and the memory; `id` names this memory across threads.
 */
export interface SharedForwardJob {
  readonly id: string;
  readonly module: object;
  readonly memory: WasmMemory;
  /**
   * Two words shared with the workers: whether the pass is loading, loaded or abandoned
   * (`STATE`), and the first output row no thread has taken yet (`NEXT_ROW`).
   */
  readonly state: Int32Array;
  /** The output rows of every pass in this memory (its layout's). */
  readonly rows: number;
}

/** An instance held by this thread; `job` where its memory is shared. */
interface Held {
  readonly key: string;
  readonly instance: WasmInstance;
  readonly bytes: number;
  readonly job?: SharedForwardJob;
}

/**
 * Instances not in use, by key, oldest first: handed back by closed training runs and after each
 * forward pass. Creating one costs ~5 ms here (the engine reserves address space for its
 * memory), as much as 10 steps of a 256² 5×5 run or a 1024² pass, so the next run or pass of the
 * same shape (a pool's band and the whole image alternate in the calling thread) takes one back.
 * An instance's memory never shrinks, so the cache is bounded by bytes, not count: at most
 * FREE_INSTANCE_BYTES in all, oldest dropped first, and an instance over KEEP_INSTANCE_BYTES is
 * never kept (the garbage collector frees its memory; a pass that large costs far more than 5 ms).
 */
const freeInstances: Held[] = [];
export const FREE_INSTANCE_BYTES = 128 * 2 ** 20;
export const KEEP_INSTANCE_BYTES = 64 * 2 ** 20;

/** The bytes of memory the cached free instances hold (in this thread). */
export function freeInstanceBytes(): number {
  return freeInstances.reduce((sum, e) => sum + e.bytes, 0);
}

function releaseInstance(held: Held): void {
  if (held.bytes > KEEP_INSTANCE_BYTES) return;
  freeInstances.push(held);
  let total = freeInstanceBytes();
  while (total > FREE_INSTANCE_BYTES) total -= freeInstances.shift()!.bytes;
}

/** A free instance for `l`, else a new one; null where compiling or instantiating fails. */
function takeInstance(l: LayerLayout): Held | null {
  const key = layerKey(l);
  const at = freeInstances.findIndex((e) => e.key === key);
  return at < 0 ? tryInstantiate(l) : freeInstances.splice(at, 1)[0];
}

/**
 * Which code runs a CPU pass or training step: `auto` is the WebAssembly SIMD program where it
 * applies and the runtime (and the page's CSP) allows it, else JavaScript; `js` is always the
 * JavaScript reference (tests and the bench's comparison).
 */
export type CpuKernels = 'auto' | 'js';

const modules = new Map<string, object>();
const MODULES_KEPT = 32;
let simd: boolean | undefined;

/** Whether the WebAssembly programs can run here (checked once). */
export function wasmKernelsAvailable(): boolean {
  simd ??= wasmSimdSupported();
  return simd;
}

let fma: boolean | undefined;

/**
 * Whether the programs multiply-add with relaxed SIMD here (checked once): Chromium and Electron
 * have it (fused on CPUs with FMA: twice the arithmetic per cycle); Node 20 only behind a flag.
 */
export function wasmFmaAvailable(): boolean {
  fma ??= wasmKernelsAvailable() && wasmFmaSupported();
  return fma;
}

/** Whether passes and runs of `spec` use the WebAssembly program here (unit stride, SIMD available). */
export function wasmKernelsApply(spec: ConvSpec): boolean {
  return spec.stride[0] === 1 && spec.stride[1] === 1 && wasmKernelsAvailable();
}

/** Names this thread's shared memories apart from any other thread's. */
const THREAD_TAG = Math.random().toString(36).slice(2);
let nextMemory = 0;

function instantiate(layout: LayerLayout): Held {
  const api = webAssembly();
  if (!api) throw new Error('no WebAssembly');
  const key = layerKey(layout);
  let m = modules.get(key);
  if (!m) {
    m = new api.Module(moduleBytes(layout.pages, layerFunctions(layout), layout.shared));
    modules.set(key, m);
    // Compiled code only (no memory), but one per shape: keep the newest few.
    if (modules.size > MODULES_KEPT) modules.delete(modules.keys().next().value!);
  }
  const bytes = layout.pages * PAGE_BYTES;
  if (!layout.shared) return { key, instance: new api.Instance(m, {}), bytes };
  const memory = new api.Memory({ initial: layout.pages, maximum: layout.pages, shared: true });
  const state = new Int32Array(new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT));
  const job = { id: `${THREAD_TAG}-${nextMemory++}`, module: m, memory, state, rows: layout.oh };
  return { key, instance: new api.Instance(m, { env: { memory } }), bytes, job };
}

/** The instance for `l`, or null where compiling or instantiating fails. */
function tryInstantiate(l: LayerLayout): Held | null {
  try {
    // Fails where a page's main thread refuses a synchronous compile over 4 KiB, or memory is short.
    return instantiate(l);
  } catch {
    return null;
  }
}

let sharedMemory: boolean | undefined;

/**
 * Whether forward passes can share their memory with worker threads here: SIMD, shared
 * WebAssembly memories, and (in a page) cross-origin isolation, without which a shared memory
 * cannot be posted to a worker. Checked once.
 */
export function wasmSharedMemoryAvailable(): boolean {
  if (sharedMemory !== undefined) return sharedMemory;
  const g = globalThis as { crossOriginIsolated?: boolean; SharedArrayBuffer?: unknown };
  try {
    sharedMemory =
      wasmKernelsAvailable() &&
      g.crossOriginIsolated !== false &&
      typeof g.SharedArrayBuffer === 'function' &&
      webAssembly()!.Memory !== undefined &&
      new (webAssembly()!.Memory)({ initial: 1, maximum: 1, shared: true }).buffer.byteLength > 0;
  } catch {
    sharedMemory = false;
  }
  return sharedMemory;
}

/** The program's layout for `spec` on padded X, or null where it does not apply or would not fit. */
function layoutFor(
  purpose: LayerPurpose,
  xp: { readonly rows: number; readonly cols: number },
  spec: ConvSpec,
  shared = false,
): LayerLayout | null {
  if (!wasmKernelsApply(spec)) return null;
  const l = layerLayout({
    purpose,
    inChannels: spec.inChannels,
    outChannels: spec.outChannels,
    xRows: xp.rows,
    xCols: xp.cols,
    kh: spec.kernel[0],
    kw: spec.kernel[1],
    dh: spec.dilation[0],
    dw: spec.dilation[1],
    relu: spec.activation === 'relu',
    shared,
    fma: wasmFmaAvailable(),
  });
  return l.bytes > MAX_BYTES || l.oh < 1 || l.ow < 1 ? null : l;
}

const PAGE_BYTES = 65536;

/** Copies `t`'s channels into `f` (a float32 view of memory) at byte `at`, each row `stride` floats apart. */
function copyRows(f: Float32Array, at: number, t: Tensor3, stride: number): void {
  const base = at / f.BYTES_PER_ELEMENT;
  const { data, cols } = t;
  for (let r = 0; r < t.channels * t.rows; r++)
    f.set(data.subarray(r * cols, (r + 1) * cols), base + r * stride);
}

/**
 * The run's evaluation on its own copies of padded X (`xp`) and Y, or null where this program
 * does not apply or cannot run (see the file comment).
 */
export function wasmLayerLossAndGrads(xp: Tensor3, y: Tensor3, spec: ConvSpec): LayerLossAndGrads | null {
  const l = layoutFor('train', xp, spec);
  if (!l || l.oh !== y.rows || l.ow !== y.cols) return null;
  const held = takeInstance(l);
  if (!held) return null;
  const buffer = memoryBuffer(held.instance);
  const step = held.instance.exports.run as () => number;
  const f = new Float32Array(buffer);
  copyRows(f, l.x, xp, l.xStride);
  copyRows(f, l.y, y, l.oStride);
  // All-ones lanes (a NaN bit pattern) below the output width, zero in the padding.
  new Uint32Array(buffer, l.mask, l.ow).fill(0xffffffff);
  const size = spec.outChannels * spec.inChannels * l.kh * l.kw;
  const wView = new Float32Array(buffer, l.w, size);
  const gView = new Float64Array(buffer, l.g, size);
  const biasView = new Float32Array(buffer, l.bias, spec.outChannels);
  const sumView = new Float64Array(buffer, l.sumD, spec.outChannels);
  const outputs = spec.outChannels * l.oh * l.ow;
  let released = false;
  const release = (): void => {
    if (released) return;
    released = true;
    releaseInstance(held);
  };
  const evaluate = (
    w: Float64Array,
    bias: ArrayLike<number>,
    loss: LossKind,
    gradW: Float64Array,
    gradB: Float64Array,
  ): number => {
    wView.set(w);
    for (let o = 0; o < spec.outChannels; o++) biasView[o] = bias[o];
    gView.fill(0);
    const squares = step();
    // d/dout of Σr² is 2r; the mean divides loss and gradients by the number of outputs.
    const scale = lossScale(loss, outputs);
    const gradScale = 2 * scale;
    for (let t = 0; t < size; t++) gradW[t] = gView[t] * gradScale;
    for (let o = 0; o < spec.outChannels; o++) gradB[o] = sumView[o] * gradScale;
    return squares * scale;
  };
  return Object.assign(evaluate, { release });
}

/** What a forward pass's caller adds to X, W and b. */
export interface WasmForwardOptions {
  /**
   * The caller's spare Y of this size (O·Ho·Wo floats: a previous Y it no longer shows), handed
   * over: Y goes into it, or, where the rows are dense, stays in the program's memory (no copy
   * out) and the result's `data` is a view of it, lent to the caller. A view handed back as
   * `into` is computed in place. Absent: Y is a new array. Either way, Y is the result's `data`.
   */
  readonly into?: Float32Array;
  /**
   * Throws the caller's error for a NaN or ±Infinity in X, which is only scanned here, in
   * WebAssembly, after it is copied in (far faster than a JavaScript pass over X first).
   */
  readonly nonFinite: () => never;
}

/**
 * Instances whose output region is a caller's Y (a view of their memory, `WasmForwardOptions.into`),
 * by that view: lent, neither free nor reused until the view is handed back as `into`. A view the
 * caller drops is collected with its instance.
 */
const lent = new WeakMap<Float32Array, Held>();

/** The words of `SharedForwardJob.state`. */
const STATE = 0;
const NEXT_ROW = 1;
/** A shared pass's STATE: workers wait while it is LOADING. */
const LOADING = 0;
const LOADED = 1;
const ABANDONED = 2;
/** How long a worker waits for a pass to be loaded before it gives up (the caller then fails, not hangs). */
const LOAD_WAIT_MS = 10_000;

/**
 * A forward pass in an instance's memory. `load` copies X in, scans it (a NaN or ±Infinity:
 * `options.nonFinite` throws, the pass is abandoned) and writes W and b; then `runAll` computes
 * every output row on this thread, and `finish` returns Y, copied out (the options' `into` where
 * given) or, where it stays in the memory, lent to the caller with the instance; otherwise the
 * instance goes back to the cache (`release`: without a result). Where the memory is shared,
 * `job` lets worker threads run rows at the same time: post it before `load`; a worker waits
 * until the pass is loaded, then every thread takes chunks of rows no other has taken
 * (`runChunks`, `runSharedRows`) until none is left.
 */
export interface ForwardPass {
  readonly job?: SharedForwardJob;
  load(): void;
  runAll(): void;
  /** Runs chunks of `chunk` rows no other thread has taken, until none is left (a shared pass). */
  runChunks(chunk: number): void;
  finish(): Tensor3;
  release(): void;
}

function startForward(
  x: Tensor3,
  w: Float64Array,
  bias: ArrayLike<number>,
  spec: ConvSpec,
  options: WasmForwardOptions,
  shared: boolean,
): ForwardPass | null {
  const [ph, pw] = spec.padding;
  const l = layoutFor('forward', { rows: x.rows + 2 * ph, cols: x.cols + 2 * pw }, spec, shared);
  if (!l) return null;
  const { into } = options;
  // The caller's Y handed back: the instance it was lent with, where it is this pass's layout.
  const back = into && lent.get(into);
  const reclaimed = back && back.key === layerKey(l) ? back : undefined;
  if (reclaimed) lent.delete(into!);
  const held = reclaimed ?? takeInstance(l);
  if (!held) return null;
  const { instance, job } = held;
  const { exports } = instance;
  const buffer = memoryBuffer(instance);
  // A caller that reuses Y takes it without a copy where its rows are dense in the memory.
  const inPlace = into !== undefined && l.oStride === l.ow;
  if (job) {
    Atomics.store(job.state, STATE, LOADING);
    Atomics.store(job.state, NEXT_ROW, 0);
  }
  const signal = (state: number): void => {
    if (!job) return;
    Atomics.store(job.state, STATE, state);
    Atomics.notify(job.state, STATE);
  };
  const run = exports.run as (r0: number, r1: number) => number;
  const O = spec.outChannels;
  /** The program's output: every channel's rows, `oStride` floats apart (Y itself where in place). */
  const output = new Float32Array(buffer, l.out, O * l.oh * l.oStride);
  let released = false;
  /** Hands the instance back: to the caller with Y (`lendWith`), else to the cache. */
  const handBack = (lendWith?: Float32Array): void => {
    if (released) return;
    released = true;
    if (lendWith) lent.set(lendWith, held);
    else releaseInstance(held);
  };
  // Without a result, a view handed back stays lent: the caller may still hold it.
  const release = (): void => handBack(reclaimed && into);
  return {
    job,
    load() {
      // X as it is (one copy), then moved to its padded rows inside the memory and checked there.
      new Float32Array(buffer, l.x, x.data.length).set(x.data);
      // `place` checks X as it moves it; X under one vector wide is checked here.
      const narrow = x.cols < 4;
      const place = exports[narrow ? 'placeNarrow' : 'place'] as (
        cols: number,
        ph: number,
        pw: number,
      ) => number;
      const flagged = place(x.cols, ph, pw) !== 0;
      if (narrow ? !x.data.every(Number.isFinite) : flagged) {
        signal(ABANDONED);
        options.nonFinite();
      }
      new Float32Array(buffer, l.w, w.length).set(w);
      const biasView = new Float32Array(buffer, l.bias, O);
      for (let o = 0; o < O; o++) biasView[o] = bias[o];
      signal(LOADED);
    },
    runAll: () => void run(0, l.oh),
    runChunks(chunk) {
      if (!job) throw new Error('runChunks needs a shared pass');
      takeChunks(job, chunk, run);
    },
    finish() {
      if (inPlace) {
        // The view handed back is this same output; else a view of it becomes the caller's Y.
        const data = (reclaimed && into) || output;
        handBack(data);
        return { channels: O, rows: l.oh, cols: l.ow, data };
      }
      const data = into ?? new Float32Array(O * l.oh * l.ow);
      if (l.oStride === l.ow) data.set(output);
      else
        for (let r = 0; r < O * l.oh; r++)
          data.set(output.subarray(r * l.oStride, r * l.oStride + l.ow), r * l.ow);
      handBack();
      return { channels: O, rows: l.oh, cols: l.ow, data };
    },
    release,
  };
}

/**
 * act(X ⋆ W + b) for slid weights `w` on X padded by `spec.padding` (X as given, unpadded), in
 * float32 as PyTorch computes it (within the golden tolerance of `forwardLayerCpu`'s float64
 * sums), or null where the program does not apply or cannot run. X's shape, W and b are checked
 * by the caller; X's values here (`options.nonFinite`).
 */
export function wasmForwardLayer(
  x: Tensor3,
  w: Float64Array,
  bias: ArrayLike<number>,
  spec: ConvSpec,
  options: WasmForwardOptions,
): Tensor3 | null {
  const pass = startForward(x, w, bias, spec, options, false);
  if (!pass) return null;
  try {
    pass.load();
  } catch (e) {
    pass.release();
    throw e;
  }
  pass.runAll();
  return pass.finish();
}

/**
 * The same pass in a shared memory, for several threads to run chunks of its rows (core/cpu/pool.ts),
 * or null where shared memories are not available here (`wasmSharedMemoryAvailable`) or the
 * program does not apply.
 */
export function wasmSharedForward(
  x: Tensor3,
  w: Float64Array,
  bias: ArrayLike<number>,
  spec: ConvSpec,
  options: WasmForwardOptions,
): ForwardPass | null {
  return wasmSharedMemoryAvailable() ? startForward(x, w, bias, spec, options, true) : null;
}

/** A worker's instances on shared memories, by job id, oldest first (a few: each holds a memory alive). */
const workerInstances = new Map<string, WasmInstance>();
const WORKER_INSTANCES_KEPT = 2;

/**
 * Runs chunks of `chunk` output rows of the job's pass, each taken with one atomic add on its
 * NEXT_ROW, until none is left: a thread whose core is slow (another program on it, or a
 * worker that woke late) takes fewer, the others more. Each row is computed by exactly one thread,
 * the same way whichever.
 */
function takeChunks(job: SharedForwardJob, chunk: number, run: (r0: number, r1: number) => unknown): void {
  for (;;) {
    const r0 = Atomics.add(job.state, NEXT_ROW, chunk);
    if (r0 >= job.rows) return;
    run(r0, Math.min(job.rows, r0 + chunk));
  }
}

/**
 * Runs chunks of the pass `job` was posted for, in a worker thread, once the caller
 * has loaded it (nothing where the caller abandoned it), as the caller does (`runChunks`).
 * Blocks this worker while it waits.
 */
export function runSharedRows(job: SharedForwardJob, chunk: number): void {
  Atomics.wait(job.state, STATE, LOADING, LOAD_WAIT_MS);
  const state = Atomics.load(job.state, STATE);
  if (state === ABANDONED) return;
  if (state !== LOADED) throw new Error('The forward pass was not loaded in time.');
  let instance = workerInstances.get(job.id);
  if (instance) workerInstances.delete(job.id);
  else {
    const api = webAssembly();
    if (!api) throw new Error('no WebAssembly');
    instance = new api.Instance(job.module, { env: { memory: job.memory } });
  }
  workerInstances.set(job.id, instance);
  if (workerInstances.size > WORKER_INSTANCES_KEPT)
    workerInstances.delete(workerInstances.keys().next().value!);
  takeChunks(job, chunk, instance.exports.run as (a: number, b: number) => number);
}
