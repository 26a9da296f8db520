/**
 * The WebAssembly SIMD training evaluation for one run: compiles (or reuses) the program for
 * the run's shape, copies X and Y into its memory once, and per step writes the slid kernel,
 * runs it and reads the loss and gradients back. Null where the runtime has no SIMD or the
 * page's CSP forbids compiling WebAssembly: the caller keeps the JavaScript path.
 */
import type { Matrix } from '../matrix';
import { moduleBytes, wasmSimdSupported } from './emit';
import type { WasmInstance } from './runtime';
import { memoryBuffer, webAssembly } from './runtime';
import type { TrainStepShape } from './train-step-program';
import { trainStepKey, trainStepLayout, trainStepProgram } from './train-step-program';

/** Loss and ∂L/∂w (slid, into `gradW`) at slid kernel `w`; same contract as `lossAndGradsCpu`. */
export type LossAndGrads = (
  w: Float64Array,
  bias: number,
  mean: boolean,
  gradW: Float64Array,
) => { loss: number; gradB: number };

const modules = new Map<string, object>();
let simd: boolean | undefined;

/** Whether the WebAssembly path can run here (checked once). */
export function wasmTrainingAvailable(): boolean {
  simd ??= wasmSimdSupported();
  return simd;
}

function instantiate(shape: TrainStepShape): WasmInstance {
  const api = webAssembly();
  if (!api) throw new Error('no WebAssembly');
  const key = trainStepKey(shape);
  let m = modules.get(key);
  if (!m) {
    const layout = trainStepLayout(shape);
    m = new api.Module(moduleBytes(layout.pages, [trainStepProgram(layout)]));
    modules.set(key, m);
  }
  return new api.Instance(m, {});
}

/** The run's evaluation on its own copies of X and Y, or null where WebAssembly SIMD is unavailable. */
export function wasmLossAndGrads(
  x: Matrix,
  y: Matrix,
  kh: number,
  kw: number,
  relu: boolean,
): LossAndGrads | null {
  if (!wasmTrainingAvailable()) return null;
  const shape = { xRows: x.rows, xCols: x.cols, kh, kw, relu };
  const l = trainStepLayout(shape);
  let instance: WasmInstance;
  try {
    // Fails where a page's main thread refuses a synchronous compile over 4 KiB, or memory is short.
    instance = instantiate(shape);
  } catch {
    return null;
  }
  const buffer = memoryBuffer(instance);
  const step = instance.exports.step as (bias: number) => number;
  const f = new Float64Array(buffer);
  const at = (byteOffset: number): number => byteOffset / 8;
  for (let i = 0; i < x.rows; i++)
    for (let j = 0; j < x.cols; j++) f[at(l.x) + i * l.xStride + j] = x.data[i * x.cols + j];
  for (let i = 0; i < l.oh; i++)
    for (let j = 0; j < l.ow; j++) f[at(l.y) + i * l.oStride + j] = y.data[i * l.ow + j];
  // All-ones lanes (a NaN bit pattern) below the output width, zero in the padding.
  const maskBits = new BigUint64Array(buffer, l.mask, l.oStride);
  for (let j = 0; j < l.ow; j++) maskBits[j] = 0xffffffffffffffffn;
  const size = kh * kw;
  const wView = f.subarray(at(l.w), at(l.w) + size);
  const gView = f.subarray(at(l.g), at(l.g) + size);
  const scaleOf = (mean: boolean): number => (mean ? 1 / (l.oh * l.ow) : 1);
  return (w, bias, mean, gradW) => {
    wView.set(w);
    gView.fill(0);
    const loss = step(bias);
    const scale = scaleOf(mean);
    const gradScale = 2 * scale;
    for (let t = 0; t < size; t++) gradW[t] = gView[t] * gradScale;
    return { loss: loss * scale, gradB: f[at(l.sumD)] * gradScale };
  };
}
