/**
 * The CPU pool (core/cpu/pool.ts): bands of output rows computed on other threads give the
 * one-thread result to the last bit, for single-channel "valid" passes and for full layers
 * (padding, stride, dilation, several channels), through real worker_threads (node/cpu-pool.ts)
 * and through ports that run the same worker code in this thread.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { BandPort, BandResult, BandRuns } from '#core/cpu/index';
import { CpuLayerTrainer, TRAIN_POOL_MIN_MACS, trainPoolMinMacs } from '#core/cpu/index';

import type { LayerTrainConfig } from '#core/layer-types';
import type { TrainConfig } from '#core/types';
import {
  createCpuBackend,
  createCpuPool,
  forwardCpu,
  forwardLayerCpu,
  rowBands,
  runBandTask,
  sharedChunk,
} from '#core/cpu/index';
import { KernelStudioError } from '#core/errors';
import { wasmSharedMemoryAvailable } from '#core/wasm/layer';
import type { ConvSpec } from '#core/layer';
import { convSpec } from '#core/layer';
import { randomKernel, randomMatrix, randomWeights } from '#core/random';
import type { Tensor3 } from '#core/tensor';
import { createNodeCpuPool } from '../../node/cpu-pool';
import { oneKernelLayer, forwardOneKernel } from '../helpers/one-kernel';

/** A port running the worker's own handler in this thread, answering on a later task; counts what it is sent. */
function inThreadPort(sent: string[] = []): BandPort {
  let listener: (r: BandResult) => void = () => {};
  const runs: BandRuns = new Map();
  return {
    post: (task) => {
      sent.push(task.kind);
      setTimeout(() => listener(structuredClone(runBandTask(structuredClone(task), runs).result)));
    },
    onResult: (l) => void (listener = l),
    terminate: () => {},
  };
}

/** The first index where a and b differ in bits (-1: none); deep equality is too slow on ~10⁶ values. */
function firstBitDifference(a: Float32Array, b: Float32Array): number {
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  if (ua.length !== ub.length) return Math.min(ua.length, ub.length);
  for (let i = 0; i < ua.length; i++) if (ua[i] !== ub[i]) return i;
  return -1;
}

function tensor(channels: number, rows: number, cols: number, seed: number): Tensor3 {
  return { channels, rows, cols, data: randomMatrix(channels * rows, cols, seed, -1, 1).data };
}

const LAYERS: [string, Tensor3, ConvSpec][] = [
  ['1×1 valid 3×3', tensor(1, 700, 650, 1), convSpec({ kernel: [3, 3], activation: 'relu' })],
  ['1×1 valid 7×7 convolve', tensor(1, 600, 620, 2), convSpec({ kernel: [7, 7], mode: 'convolve' })],
  [
    '3→8 3×3 same',
    tensor(3, 257, 300, 3),
    convSpec({ kernel: [3, 3], inChannels: 3, outChannels: 8, padding: [1, 1], activation: 'relu' }),
  ],
  [
    '2→3 5×4 stride 2, dilation 2, padding 3',
    tensor(2, 301, 280, 4),
    convSpec({
      kernel: [5, 4],
      inChannels: 2,
      outChannels: 3,
      stride: [2, 3],
      dilation: [2, 1],
      padding: [3, 2],
    }),
  ],
];

describe('rowBands and sharedChunk', () => {
  it('covers every row once, in order, with no empty band', () => {
    for (const [rows, parts] of [
      [1, 4],
      [7, 3],
      [1021, 2],
      [16, 16],
    ]) {
      const bands = rowBands(rows, parts);
      expect(bands).toHaveLength(Math.min(rows, parts));
      expect(bands[0][0]).toBe(0);
      expect(bands.at(-1)?.[1]).toBe(rows);
      bands.forEach(([a, b], i) => {
        expect(b).toBeGreaterThan(a);
        if (i > 0) expect(a).toBe(bands[i - 1][1]);
      });
    }
    expect(rowBands(512, 2)).toEqual([
      [0, 256],
      [256, 512],
    ]);
  });

  it('cuts a shared pass into several chunks per thread, at least one row each', () => {
    expect(sharedChunk(512, 2)).toBe(32);
    expect(sharedChunk(1022, 2)).toBe(64);
    expect(sharedChunk(3, 16)).toBe(1);
  });
});

describe.each([
  ['worker threads', () => createNodeCpuPool(2)],
  ['three in-thread ports', () => createCpuPool([inThreadPort(), inThreadPort(), inThreadPort()])],
])('CPU pool over %s', (_name, make) => {
  const pool = make();
  afterAll(() => pool.dispose());

  it.each(LAYERS)('%s is bit-identical to one thread', async (_label, x, spec) => {
    const w = randomWeights(spec.outChannels, spec.inChannels, spec.kernel[0], spec.kernel[1], 9);
    const bias = Array.from({ length: spec.outChannels }, (_, o) => 0.1 * o - 0.2);
    const one = forwardLayerCpu(x, w, bias, spec);
    const many = await pool.forwardLayer(x, w, bias, spec);
    expect([many.channels, many.rows, many.cols]).toEqual([one.channels, one.rows, one.cols]);
    expect(firstBitDifference(many.data, one.data)).toBe(-1);
  });

  it('rejects bad input with the one-thread error', async () => {
    const x = tensor(2, 600, 600, 5);
    const w = randomWeights(1, 3, 3, 3, 6);
    const spec = convSpec({ kernel: [3, 3], inChannels: 3 });
    const expected = (() => {
      try {
        forwardLayerCpu(x, w, [0], spec);
      } catch (e) {
        return e;
      }
    })();
    expect(expected).toBeInstanceOf(KernelStudioError);
    await expect(pool.forwardLayer(x, w, [0], spec)).rejects.toThrow((expected as Error).message);
  });
});

describe.runIf(wasmSharedMemoryAvailable())('a forward pass in one shared memory', () => {
  const spec = convSpec({
    kernel: [3, 3],
    inChannels: 3,
    outChannels: 8,
    padding: [1, 1],
    activation: 'relu',
  });
  const w = randomWeights(8, 3, 3, 3, 31);
  const bias = Array.from({ length: 8 }, (_, o) => 0.05 * o);

  it('sends each worker its rows of the pass, not a copy of X', async () => {
    const sent: string[] = [];
    const pool = createCpuPool([inThreadPort(sent)]);
    const x = tensor(3, 520, 560, 32);
    const y = await pool.forwardLayer(x, w, bias, spec);
    expect(sent).toEqual(['forward-rows']);
    expect(firstBitDifference(y.data, forwardLayerCpu(x, w, bias, spec).data)).toBe(-1);
    pool.dispose();
  });

  it('on worker threads: a NaN in X gets the one-thread error, and the next pass runs at once', async () => {
    const pool = createNodeCpuPool(1);
    const x = tensor(3, 520, 560, 33);
    const bad = { ...x, data: x.data.slice() };
    bad.data[2 * 520 * 560 + 100 * 560 + 7] = Number.NaN;
    const message = (() => {
      try {
        forwardLayerCpu(bad, w, bias, spec);
      } catch (e) {
        return (e as Error).message;
      }
    })();
    expect(message).toMatch(/^The image X value \d+ is NaN: values must be finite\.$/);
    // Starts the worker, so that the timing below is the pass's alone.
    await pool.forwardLayer(x, w, bias, spec);
    const started = Date.now();
    await expect(pool.forwardLayer(bad, w, bias, spec)).rejects.toThrow(message);
    const y = await pool.forwardLayer(x, w, bias, spec);
    // The worker was told the pass was abandoned: it did not sit out its 10 s wait for it.
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(firstBitDifference(y.data, forwardLayerCpu(x, w, bias, spec).data)).toBe(-1);
    pool.dispose();
  });

  it('keeps a reused Y in the shared memory: handed back it is computed in place, kept it is never overwritten', async () => {
    const pool = createNodeCpuPool(1);
    try {
      const x1 = tensor(3, 520, 560, 34);
      const x2 = tensor(3, 520, 560, 35);
      const one = (x: Tensor3): Float32Array => forwardLayerCpu(x, w, bias, spec).data;
      const size = 8 * 520 * 560;
      // A caller's spare Y: the pass may leave Y in its memory (560 columns: dense rows) instead.
      const y1 = await pool.forwardLayer(x1, w, bias, spec, new Float32Array(size).fill(Number.NaN));
      expect(firstBitDifference(y1.data, one(x1))).toBe(-1);
      // y1 is still held: another pass neither writes into it nor hands its memory out.
      const y2 = await pool.forwardLayer(x2, w, bias, spec, new Float32Array(size));
      expect(y2.data === y1.data).toBe(false);
      expect(firstBitDifference(y1.data, one(x1))).toBe(-1);
      expect(firstBitDifference(y2.data, one(x2))).toBe(-1);
      // y1 handed back: the next Y is computed in its place, and y2 is left as it was.
      const y3 = await pool.forwardLayer(x2, w, bias, spec, y1.data);
      expect(y3.data === y1.data).toBe(true);
      expect(firstBitDifference(y3.data, one(x2))).toBe(-1);
      const y4 = await pool.forwardLayer(x1, w, bias, spec, y3.data);
      expect(y4.data === y1.data).toBe(true);
      expect(firstBitDifference(y4.data, one(x1))).toBe(-1);
      expect(firstBitDifference(y2.data, one(x2))).toBe(-1);
      // Without a spare, Y is a new array of its own.
      const fresh = await pool.forwardLayer(x2, w, bias, spec);
      expect(fresh.data.buffer === y1.data.buffer || fresh.data.buffer === y2.data.buffer).toBe(false);
      expect(firstBitDifference(fresh.data, one(x2))).toBe(-1);
      expect(firstBitDifference(y4.data, one(x1))).toBe(-1);
    } finally {
      pool.dispose();
    }
  });

  it('writes Y into the caller’s buffer where its rows are not dense in the memory', async () => {
    const pool = createNodeCpuPool(1);
    try {
      // 6 columns, under one block of 8: rows are padded in the memory, so Y is copied out (a
      // 9×9 kernel gives so narrow an X enough multiply-adds for the workers).
      const nine = convSpec({ kernel: [9, 9], inChannels: 3, outChannels: 8, padding: [4, 4] });
      const w9 = randomWeights(8, 3, 9, 9, 37);
      const x = tensor(3, 4096, 6, 36);
      const into = new Float32Array(8 * 4096 * 6).fill(Number.NaN);
      const y = await pool.forwardLayer(x, w9, bias, nine, into);
      expect(y.data === into).toBe(true);
      expect(firstBitDifference(into, forwardLayerCpu(x, w9, bias, nine).data)).toBe(-1);
    } finally {
      pool.dispose();
    }
  });
});

describe('createCpuBackend with a pool', () => {
  it('forward() matches forwardCpu bit for bit and dispose() ends the workers', async () => {
    const backend = createCpuBackend(createNodeCpuPool(1));
    const x = randomMatrix(800, 900, 7, -1, 1);
    const k = randomKernel(5, 5, 8);
    const params = { mode: 'convolve', bias: 0.25, activation: 'relu' } as const;
    const y = await forwardOneKernel(backend, x, k, params);
    expect(firstBitDifference(y.data, forwardCpu(x, k, params).data)).toBe(-1);
    backend.dispose();
  });
});

/** A single-channel run large enough for the pool (256² X, 5×5 kernel + bias, sum loss, momentum). */
/** Above the WebAssembly step's pool threshold (trainPoolMinMacs): 2·508²·25 ≈ 12.9M multiply-adds a step. */
function bigSingleChannel(side = 512): TrainConfig {
  const x = randomMatrix(side, side, 11, -1, 1);
  const target = randomKernel(5, 5, 12);
  return {
    x,
    y: forwardCpu(x, target, { mode: 'correlate', bias: 0.3, activation: 'none' }),
    mode: 'correlate',
    activation: 'none',
    useBias: true,
    loss: 'sum',
    optimizer: { kind: 'momentum', lr: 2e-6 },
    initWeight: randomKernel(5, 5, 13),
    initBias: 0,
  };
}

/** A 3→4 layer with padding, stride and dilation, mean loss, Adam, frozen biases. */
function bigLayer(): LayerTrainConfig {
  const spec = convSpec({
    kernel: [3, 3],
    inChannels: 3,
    outChannels: 4,
    padding: [2, 1],
    stride: [1, 2],
    dilation: [2, 1],
    activation: 'relu',
  });
  const x = tensor(3, 200, 260, 14);
  const target = randomWeights(4, 3, 3, 3, 15);
  return {
    spec,
    x,
    y: forwardLayerCpu(x, target, [0.1, -0.2, 0.3, 0], spec),
    useBias: false,
    loss: 'mean',
    optimizer: { kind: 'adam', lr: 0.01 },
    initWeight: randomWeights(4, 3, 3, 3, 16),
    initBias: [0.1, -0.2, 0.3, 0],
  };
}

/** Same values up to float64 rounding in another summation order. */
function expectClose(a: ArrayLike<number>, b: ArrayLike<number>, rel = 1e-9): void {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++)
    expect(Math.abs(a[i] - b[i])).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(b[i])));
}

describe.each([
  ['worker threads', () => ({ pool: createNodeCpuPool(1), sent: null })],
  [
    'three in-thread ports',
    () => {
      const sent: string[] = [];
      return { pool: createCpuPool([inThreadPort(sent), inThreadPort(sent), inThreadPort(sent)]), sent };
    },
  ],
])('training over %s', (_name, make) => {
  it('a single-channel run gives the one-thread losses, kernel and bias', async () => {
    const { pool, sent } = make();
    const config = bigSingleChannel();
    const one = new CpuLayerTrainer(oneKernelLayer(config));
    const many = new CpuLayerTrainer(oneKernelLayer(config), undefined, pool);
    const [a, b] = [await one.run(12), await many.run(12)];
    expectClose(b.losses, a.losses);
    const [sa, sb] = [one.snapshotSync(), many.snapshotSync()];
    expectClose(sb.weight.data, sa.weight.data, 1e-6);
    expect(sb.bias[0]).toBeCloseTo(sa.bias[0], 6);
    expectClose(many.exportState().params, one.exportState().params);
    if (sent) expect(sent.filter((k) => k === 'train-step')).toHaveLength(3 * 12);
    many.dispose();
    pool.dispose();
  });

  it('a run under the threshold for its kernels stays on the calling thread', async () => {
    const { pool, sent } = make();
    // 2·252²·25 ≈ 3.2M multiply-adds: pooled with the JavaScript step, not with the WebAssembly one.
    const config = bigSingleChannel(256);
    const spec = oneKernelLayer(config).spec;
    expect(trainPoolMinMacs(spec)).toBe(TRAIN_POOL_MIN_MACS.wasm);
    expect(await pool.trainEvaluation(oneKernelLayer(config))).toBeNull();
    const pooled = await pool.trainEvaluation(oneKernelLayer(config), TRAIN_POOL_MIN_MACS.js);
    expect(pooled).not.toBeNull();
    pooled?.close();
    if (sent) expect(sent.filter((k) => k === 'train-open')).toHaveLength(3);
    pool.dispose();
  });

  it('a 3→4 layer (padding, stride, dilation, mean loss, Adam, frozen biases) gives the one-thread run', async () => {
    const { pool, sent } = make();
    const config = bigLayer();
    const one = new CpuLayerTrainer(config);
    const many = new CpuLayerTrainer(config, undefined, pool);
    expectClose((await many.run(8)).losses, (await one.run(8)).losses);
    expectClose((await many.run(4)).losses, (await one.run(4)).losses);
    expectClose(many.exportState().params, one.exportState().params);
    expectClose(many.exportState().moment2, one.exportState().moment2, 1e-7);
    if (sent) expect(sent.filter((k) => k === 'train-step').length).toBeGreaterThanOrEqual(12);
    pool.dispose();
  });
});

describe('training stays on one thread', () => {
  it("when the problem is small (d2l's 6×8) or no worker exists", async () => {
    const sent: string[] = [];
    const pool = createCpuPool([inThreadPort(sent)]);
    const x = randomMatrix(6, 8, 1, -1, 1);
    const config: TrainConfig = {
      ...bigSingleChannel(),
      x,
      y: forwardCpu(x, randomKernel(1, 2, 2), { mode: 'correlate', bias: 0, activation: 'none' }),
      initWeight: randomKernel(1, 2, 3),
    };
    await new CpuLayerTrainer(oneKernelLayer(config), undefined, pool).run(5);
    expect(sent).toEqual([]);
    expect(await createCpuPool([]).trainEvaluation(bigLayer())).toBeNull();
  });
});
