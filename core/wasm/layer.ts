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
 */
const freeInstances: [key: string, instance: WasmInstance][] = [];
const FREE_INSTANCES = 4;

function releaseInstance(key: string, instance: WasmInstance): void {
  freeInstances.push([key, instance]);
  if (freeInstances.length > FREE_INSTANCES) freeInstances.shift();
}

/** A free instance for `l`, else a new one; null where compiling or instantiating fails. */
function takeInstance(l: LayerLayout): WasmInstance | null {
  const key = layerKey(l);
  const at = freeInstances.findIndex(([k]) => k === key);
  return at < 0 ? tryInstantiate(l) : freeInstances.splice(at, 1)[0][1];
}

/**
 * Which code runs a CPU pass or training step: `auto` is the WebAssembly SIMD program where it
 * applies and the runtime (and the page's CSP) allows it, else JavaScript; `js` is always the
 * JavaScript reference (tests and the bench's comparison).
 */
export type CpuKernels = 'auto' | 'js';

const modules = new Map<string, object>();
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
function layoutFor(purpose: LayerPurpose, xp: Tensor3, spec: ConvSpec): LayerLayout | null {
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

/** Copies `t`'s channels into memory at byte `at`, each row `stride` floats apart (1024²: 1.3–1.9 ms). */
function copyRows(f: Float64Array, at: number, t: Tensor3, stride: number): void {
  const base = at / 8;
  const { data, cols } = t;
  for (let r = 0; r < t.channels * t.rows; r++) {
    const from = r * cols;
    const to = base + r * stride;
    for (let j = 0; j < cols; j++) f[to + j] = data[from + j];
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
 * act(X ⋆ W + b) for slid weights `w` on padded X, as `forwardLayerCpu` computes it (float64
 * sums, float32 output), or null where the program does not apply or cannot run.
 */
export function wasmForwardLayer(
  xp: Tensor3,
  w: Float64Array,
  bias: ArrayLike<number>,
  spec: ConvSpec,
): Tensor3 | null {
  const l = layoutFor('forward', xp, spec);
  if (!l) return null;
  const instance = takeInstance(l);
  if (!instance) return null;
  const buffer = memoryBuffer(instance);
  copyRows(new Float64Array(buffer), l.x, xp, l.xStride);
  new Float64Array(buffer, l.w, w.length).set(w);
  const biasView = new Float64Array(buffer, l.bias, spec.outChannels);
  for (let o = 0; o < spec.outChannels; o++) biasView[o] = bias[o];
  (instance.exports.run as () => number)();
  const rows = spec.outChannels * l.oh;
  const out = new Float32Array(rows * l.ow);
  const padded = new Float32Array(buffer, l.out, rows * l.oStride);
  for (let r = 0; r < rows; r++) out.set(padded.subarray(r * l.oStride, r * l.oStride + l.ow), r * l.ow);
  releaseInstance(layerKey(l), instance);
  return { channels: spec.outChannels, rows: l.oh, cols: l.ow, data: out };
}
