/**
 * Every core for the CPU forward pass: the output is cut into bands of output rows, one per
 * thread, and each band is computed by `forwardLayerCpu` on the slice of (padded) X under it,
 * with padding 0. Every output value sees the same window, weights and summation order as in
 * one thread, so the result is bit-identical. The threads themselves are the host's (worker
 * threads in the CLI, Web Workers in the renderer): core only sees `BandPort`s, so it stays pure.
 */
import type { ConvSpec } from '../layer';
import type { Tensor3, Weights } from '../tensor';
import { checkLayerForward } from '../validate';
import { forwardLayerCpu, padTensor } from './layer';

/** One band's job: a plain, structured-cloneable forward problem (X already padded, padding 0). */
export interface BandTask {
  readonly id: number;
  readonly x: Tensor3;
  readonly w: Weights;
  readonly bias: readonly number[];
  readonly spec: ConvSpec;
}

export interface BandResult {
  readonly id: number;
  readonly y?: Tensor3;
  readonly error?: string;
}

/** A worker as core sees it; the host adapts worker_threads or Web Workers to this. */
export interface BandPort {
  post(task: BandTask, transfer: ArrayBuffer[]): void;
  onResult(listener: (result: BandResult) => void): void;
  terminate(): void;
}

/** What a worker runs on each message: the band, or the error's message. */
export function runBandTask(task: BandTask): { result: BandResult; transfer: ArrayBuffer[] } {
  try {
    const y = forwardLayerCpu(task.x, task.w, task.bias, task.spec);
    return { result: { id: task.id, y }, transfer: [y.data.buffer as ArrayBuffer] };
  } catch (e) {
    return { result: { id: task.id, error: e instanceof Error ? e.message : String(e) }, transfer: [] };
  }
}

/** Below this many multiply-adds a forward pass stays on the calling thread (a round trip costs ~0.1–1 ms). */
export const POOL_MIN_MACS = 1 << 21;

export interface CpuPool {
  /** Threads that compute, the caller's included. */
  readonly threads: number;
  forwardLayer(x: Tensor3, w: Weights, bias: ArrayLike<number>, spec: ConvSpec): Promise<Tensor3>;
  dispose(): void;
}

/** [start, end) output-row ranges, as even as possible, none empty. */
export function rowBands(rows: number, parts: number): [number, number][] {
  const n = Math.max(1, Math.min(parts, rows));
  return Array.from({ length: n }, (_, b) => [Math.floor((b * rows) / n), Math.floor(((b + 1) * rows) / n)]);
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
  const pending = new Map<number, { resolve: (y: Tensor3) => void; reject: (e: Error) => void }>();
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
      if (r.y) waiter.resolve(r.y);
      else waiter.reject(new Error(r.error ?? 'CPU worker failed'));
    });
  const send = (port: BandPort, task: Omit<BandTask, 'id'>): Promise<Tensor3> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      port.post({ ...task, id }, [task.x.data.buffer as ArrayBuffer]);
    });
  return {
    threads: ports.length + 1,
    async forwardLayer(x, w, bias, spec) {
      const { rows: oh, cols: ow } = checkLayerForward(x, w, bias, spec);
      const macs = spec.outChannels * oh * ow * spec.inChannels * w.rows * w.cols;
      if (ports.length === 0 || macs < POOL_MIN_MACS || oh < 2) return forwardLayerCpu(x, w, bias, spec);
      const xp = padTensor(x, spec.padding);
      const biasList = Array.from(bias);
      const bands = rowBands(oh, ports.length + 1);
      // Workers take bands 1…n (each gets its own copy of X's rows, transferred); this thread takes band 0.
      const remote = bands
        .slice(1)
        .map(([r0, r1], b) => send(ports[b], { ...bandProblem(xp, spec, r0, r1), w, bias: biasList }));
      const first = bandProblem(xp, spec, bands[0][0], bands[0][1]);
      const ys = [forwardLayerCpu(first.x, w, biasList, first.spec), ...(await Promise.all(remote))];
      const out = new Float32Array(spec.outChannels * oh * ow);
      ys.forEach((y, b) => {
        const [r0] = bands[b];
        for (let o = 0; o < spec.outChannels; o++)
          out.set(y.data.subarray(o * y.rows * ow, (o + 1) * y.rows * ow), (o * oh + r0) * ow);
      });
      return { channels: spec.outChannels, rows: oh, cols: ow, data: out };
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
