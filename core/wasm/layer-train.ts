/**
 * The WebAssembly SIMD training evaluation for one run: compiles (or reuses) the program for
 * the run's shape, copies X and Y into its memory once, and per step writes the slid weights
 * and biases, runs it and reads the loss and gradients back. Null where the layer has a stride
 * (the JavaScript path handles it), the problem is too large for one wasm32 memory, the
 * runtime has no SIMD, or the page's CSP forbids compiling WebAssembly: the caller keeps the
 * JavaScript path, which is also the reference the program is tested against.
 */
import type { ConvSpec } from '../layer';
import type { Tensor3 } from '../tensor';
import { moduleBytes, wasmSimdSupported } from './emit';
import type { LayerTrainLayout, LayerTrainShape } from './layer-train-program';
import { MAX_BYTES, layerTrainKey, layerTrainLayout, layerTrainProgram } from './layer-train-program';
import type { WasmInstance } from './runtime';
import { memoryBuffer, webAssembly } from './runtime';

/**
 * The loss at slid weights `w` and biases `bias`; ∂L/∂w (slid layout) into `gradW`, ∂L/∂b into
 * `gradB`. The same contract as `layerLossAndGradsCpu` (core/cpu/layer.ts) on the run's X and Y.
 */
export type LayerLossAndGrads = (
  w: Float64Array,
  bias: ArrayLike<number>,
  mean: boolean,
  gradW: Float64Array,
  gradB: Float64Array,
) => number;

const modules = new Map<string, object>();
let simd: boolean | undefined;

/** Whether the WebAssembly path can run here (checked once). */
export function wasmTrainingAvailable(): boolean {
  simd ??= wasmSimdSupported();
  return simd;
}

/** Whether runs of `spec` train with the WebAssembly program here (unit stride, SIMD available). */
export function wasmTrainingApplies(spec: ConvSpec): boolean {
  return spec.stride[0] === 1 && spec.stride[1] === 1 && wasmTrainingAvailable();
}

function instantiate(layout: LayerTrainLayout): WasmInstance {
  const api = webAssembly();
  if (!api) throw new Error('no WebAssembly');
  const key = layerTrainKey(layout);
  let m = modules.get(key);
  if (!m) {
    m = new api.Module(moduleBytes(layout.pages, [layerTrainProgram(layout)]));
    modules.set(key, m);
  }
  return new api.Instance(m, {});
}

/** Copies `t`'s channels into memory at byte `at`, each row `stride` floats apart. */
function copyRows(f: Float64Array, at: number, t: Tensor3, stride: number): void {
  const base = at / 8;
  for (let r = 0; r < t.channels * t.rows; r++)
    for (let j = 0; j < t.cols; j++) f[base + r * stride + j] = t.data[r * t.cols + j];
}

/**
 * The run's evaluation on its own copies of padded X (`xp`) and Y, or null where this program
 * does not apply or cannot run (see the file comment).
 */
export function wasmLayerLossAndGrads(xp: Tensor3, y: Tensor3, spec: ConvSpec): LayerLossAndGrads | null {
  if (!wasmTrainingApplies(spec)) return null;
  const shape: LayerTrainShape = {
    inChannels: spec.inChannels,
    outChannels: spec.outChannels,
    xRows: xp.rows,
    xCols: xp.cols,
    kh: spec.kernel[0],
    kw: spec.kernel[1],
    dh: spec.dilation[0],
    dw: spec.dilation[1],
    relu: spec.activation === 'relu',
  };
  const l = layerTrainLayout(shape);
  if (l.bytes > MAX_BYTES || l.oh !== y.rows || l.ow !== y.cols) return null;
  let instance: WasmInstance;
  try {
    // Fails where a page's main thread refuses a synchronous compile over 4 KiB, or memory is short.
    instance = instantiate(l);
  } catch {
    return null;
  }
  const buffer = memoryBuffer(instance);
  const step = instance.exports.step as () => number;
  const f = new Float64Array(buffer);
  copyRows(f, l.x, xp, l.xStride);
  copyRows(f, l.y, y, l.oStride);
  // All-ones lanes (a NaN bit pattern) below the output width, zero in the padding.
  new BigUint64Array(buffer, l.mask, l.ow).fill(0xffffffffffffffffn);
  const size = spec.outChannels * spec.inChannels * shape.kh * shape.kw;
  const wView = new Float64Array(buffer, l.w, size);
  const gView = new Float64Array(buffer, l.g, size);
  const biasView = new Float64Array(buffer, l.bias, spec.outChannels);
  const sumView = new Float64Array(buffer, l.sumD, spec.outChannels);
  const outputs = spec.outChannels * l.oh * l.ow;
  return (w, bias, mean, gradW, gradB) => {
    wView.set(w);
    for (let o = 0; o < spec.outChannels; o++) biasView[o] = bias[o];
    gView.fill(0);
    const loss = step();
    // d/dout of Σr² is 2r; the mean divides loss and gradients by the number of outputs.
    const scale = mean ? 1 / outputs : 1;
    const gradScale = 2 * scale;
    for (let t = 0; t < size; t++) gradW[t] = gView[t] * gradScale;
    for (let o = 0; o < spec.outChannels; o++) gradB[o] = sumView[o] * gradScale;
    return loss * scale;
  };
}
