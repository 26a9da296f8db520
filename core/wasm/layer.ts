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
import { moduleBytes, wasmSimdSupported } from './emit';
import type { LayerLayout, LayerPurpose } from './layer-program';
import { MAX_BYTES, layerKey, layerLayout, layerProgram } from './layer-program';
import type { WasmInstance } from './runtime';
import { memoryBuffer, webAssembly } from './runtime';

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
 * Instances not in use, by key, oldest first: handed back by closed training runs and after each
 * forward pass. Creating one costs ~5 ms here (the engine reserves address space for its
 * memory), as much as 10 steps of a 256² 5×5 run or a 1024² pass, so the next run or pass of the
 * same shape (a pool's band and the whole image alternate in the calling thread) takes one back.
 * An instance's memory never shrinks, so the cache is bounded by bytes, not count: at most
 * FREE_INSTANCE_BYTES in all, oldest dropped first, and an instance over KEEP_INSTANCE_BYTES is
 * never kept (the garbage collector frees its memory; a pass that large costs far more than 5 ms).
 */
const freeInstances: { key: string; instance: WasmInstance; bytes: number }[] = [];
export const FREE_INSTANCE_BYTES = 128 * 2 ** 20;
export const KEEP_INSTANCE_BYTES = 64 * 2 ** 20;

/** The bytes of memory the cached free instances hold (in this thread). */
export function freeInstanceBytes(): number {
  return freeInstances.reduce((sum, e) => sum + e.bytes, 0);
}

function releaseInstance(key: string, instance: WasmInstance): void {
  const bytes = memoryBuffer(instance).byteLength;
  if (bytes > KEEP_INSTANCE_BYTES) return;
  freeInstances.push({ key, instance, bytes });
  let total = freeInstanceBytes();
  while (total > FREE_INSTANCE_BYTES) total -= freeInstances.shift()!.bytes;
}

/** A free instance for `l`, else a new one; null where compiling or instantiating fails. */
function takeInstance(l: LayerLayout): WasmInstance | null {
  const key = layerKey(l);
  const at = freeInstances.findIndex((e) => e.key === key);
  return at < 0 ? tryInstantiate(l) : freeInstances.splice(at, 1)[0].instance;
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

/** Whether passes and runs of `spec` use the WebAssembly program here (unit stride, SIMD available). */
export function wasmKernelsApply(spec: ConvSpec): boolean {
  return spec.stride[0] === 1 && spec.stride[1] === 1 && wasmKernelsAvailable();
}

function instantiate(layout: LayerLayout): WasmInstance {
  const api = webAssembly();
  if (!api) throw new Error('no WebAssembly');
  const key = layerKey(layout);
  let m = modules.get(key);
  if (!m) {
    m = new api.Module(moduleBytes(layout.pages, [layerProgram(layout)]));
    modules.set(key, m);
    // Compiled code only (no memory), but one per shape: keep the newest few.
    if (modules.size > MODULES_KEPT) modules.delete(modules.keys().next().value!);
  }
  return new api.Instance(m, {});
}

/** The instance for `l`, or null where compiling or instantiating fails. */
function tryInstantiate(l: LayerLayout): WasmInstance | null {
  try {
    // Fails where a page's main thread refuses a synchronous compile over 4 KiB, or memory is short.
    return instantiate(l);
  } catch {
    return null;
  }
}

/** The program's layout for `spec` on padded X, or null where it does not apply or would not fit. */
function layoutFor(
  purpose: LayerPurpose,
  xp: { readonly rows: number; readonly cols: number },
  spec: ConvSpec,
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
  });
  return l.bytes > MAX_BYTES || l.oh < 1 || l.ow < 1 ? null : l;
}

const F32_BYTES = 4;

/** Copies `t`'s channels into `f` (a view of memory in X's float type) at byte `at`, each row `stride` floats apart. */
function copyRows(f: Float64Array | Float32Array, at: number, t: Tensor3, stride: number): void {
  const base = at / f.BYTES_PER_ELEMENT;
  const { data, cols } = t;
  for (let r = 0; r < t.channels * t.rows; r++)
    f.set(data.subarray(r * cols, (r + 1) * cols), base + r * stride);
}

/**
 * Copies X's channels into `f` at byte `at` as `padding` zeros on every side would pad it, each
 * padded row `stride` floats apart: no padded copy of X is made. The zeros are written on every
 * call, since an instance is shared by every X of the same padded size.
 */
function copyPadded(
  f: Float32Array,
  at: number,
  x: Tensor3,
  stride: number,
  padding: readonly [number, number],
): void {
  const [ph, pw] = padding;
  if (ph === 0 && pw === 0) {
    copyRows(f, at, x, stride);
    return;
  }
  const rows = x.rows + 2 * ph;
  const width = x.cols + 2 * pw;
  for (let c = 0; c < x.channels; c++)
    for (let r = 0; r < rows; r++) {
      const start = at / F32_BYTES + (c * rows + r) * stride;
      const i = r - ph;
      if (i < 0 || i >= x.rows) {
        f.fill(0, start, start + width);
        continue;
      }
      const from = (c * x.rows + i) * x.cols;
      f.set(x.data.subarray(from, from + x.cols), start + pw);
      f.fill(0, start, start + pw);
      f.fill(0, start + pw + x.cols, start + width);
    }
}

/**
 * The run's evaluation on its own copies of padded X (`xp`) and Y, or null where this program
 * does not apply or cannot run (see the file comment).
 */
export function wasmLayerLossAndGrads(xp: Tensor3, y: Tensor3, spec: ConvSpec): LayerLossAndGrads | null {
  const l = layoutFor('train', xp, spec);
  if (!l || l.oh !== y.rows || l.ow !== y.cols) return null;
  const instance = takeInstance(l);
  if (!instance) return null;
  const buffer = memoryBuffer(instance);
  const step = instance.exports.run as () => number;
  const f = new Float64Array(buffer);
  copyRows(f, l.x, xp, l.xStride);
  copyRows(f, l.y, y, l.oStride);
  // All-ones lanes (a NaN bit pattern) below the output width, zero in the padding.
  new BigUint64Array(buffer, l.mask, l.ow).fill(0xffffffffffffffffn);
  const size = spec.outChannels * spec.inChannels * l.kh * l.kw;
  const wView = new Float64Array(buffer, l.w, size);
  const gView = new Float64Array(buffer, l.g, size);
  const biasView = new Float64Array(buffer, l.bias, spec.outChannels);
  const sumView = new Float64Array(buffer, l.sumD, spec.outChannels);
  const outputs = spec.outChannels * l.oh * l.ow;
  let released = false;
  const release = (): void => {
    if (released) return;
    released = true;
    releaseInstance(layerKey(l), instance);
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

/**
 * act(X ⋆ W + b) for slid weights `w` on X padded by `spec.padding` (X as given, unpadded), in
 * float32 as PyTorch computes it (within the golden tolerance of `forwardLayerCpu`'s float64
 * sums), or null where the program does not apply or cannot run.
 */
export function wasmForwardLayer(
  x: Tensor3,
  w: Float64Array,
  bias: ArrayLike<number>,
  spec: ConvSpec,
): Tensor3 | null {
  const [ph, pw] = spec.padding;
  const l = layoutFor('forward', { rows: x.rows + 2 * ph, cols: x.cols + 2 * pw }, spec);
  if (!l) return null;
  const instance = takeInstance(l);
  if (!instance) return null;
  const buffer = memoryBuffer(instance);
  copyPadded(new Float32Array(buffer), l.x, x, l.xStride, spec.padding);
  new Float32Array(buffer, l.w, w.length).set(w);
  const biasView = new Float32Array(buffer, l.bias, spec.outChannels);
  for (let o = 0; o < spec.outChannels; o++) biasView[o] = bias[o];
  (instance.exports.run as () => number)();
  const rows = spec.outChannels * l.oh;
  const padded = new Float32Array(buffer, l.out, rows * l.oStride);
  let out: Float32Array;
  if (l.oStride === l.ow) out = padded.slice();
  else {
    out = new Float32Array(rows * l.ow);
    for (let r = 0; r < rows; r++) out.set(padded.subarray(r * l.oStride, r * l.oStride + l.ow), r * l.ow);
  }
  releaseInstance(layerKey(l), instance);
  return { channels: spec.outChannels, rows: l.oh, cols: l.ow, data: out };
}
