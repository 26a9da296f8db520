/**
 * The renderer's CPU pool in real Chromium: module Web Workers built by Vite from
 * renderer/src/compute/cpu-worker.ts give the one-thread result to the last bit.
 */
import { describe, expect, it } from 'vitest';
import { CpuLayerTrainer, forwardLayerCpu } from '#core/cpu/index';
import { convSpec } from '#core/layer';
import { wasmSharedMemoryAvailable } from '#core/wasm/layer';
import { randomMatrix, randomWeights } from '#core/random';
import { createWebCpuPool } from '../../renderer/src/compute/cpu-pool';

// Browser-only: the Node GPU suite (vitest.gpu.node.config.ts) has no Web Workers; tests/unit/cpu-pool.test.ts covers Node's.
describe.skipIf(!('Worker' in globalThis))('createWebCpuPool (Web Workers)', () => {
  it('the page is cross-origin isolated, so large passes run in one shared memory on every worker', () => {
    expect(globalThis.crossOriginIsolated).toBe(true);
    expect(wasmSharedMemoryAvailable()).toBe(true);
  });

  it('computes a 3→4 "same" layer bit-identically to one thread, on workers', async () => {
    const pool = createWebCpuPool();
    expect(pool, 'this browser reports one core: no workers to test').not.toBeNull();
    if (!pool) return;
    try {
      expect(pool.threads).toBeGreaterThan(1);
      // 4·3·25·400·410 ≈ 49M multiply-adds: above the shared-memory threshold (POOL_MIN_MACS.shared).
      const x = { channels: 3, rows: 400, cols: 410, data: randomMatrix(1200, 410, 1, -1, 1).data };
      const w = randomWeights(4, 3, 5, 5, 2);
      const spec = convSpec({
        kernel: [5, 5],
        inChannels: 3,
        outChannels: 4,
        padding: [2, 2],
        activation: 'relu',
      });
      const bias = [0.1, -0.2, 0.3, 0];
      const one = forwardLayerCpu(x, w, bias, spec);
      const many = await pool.forwardLayer(x, w, bias, spec);
      const a = new Uint32Array(one.data.buffer);
      const b = new Uint32Array(many.data.buffer);
      expect(b.length).toBe(a.length);
      expect(a.findIndex((v, i) => v !== b[i])).toBe(-1);
    } finally {
      pool.dispose();
    }
  });

  it('trains a 3→2 layer on workers as one thread does (each step split over the bands)', async () => {
    const pool = createWebCpuPool();
    if (!pool) return;
    try {
      const spec = convSpec({ kernel: [3, 3], inChannels: 3, outChannels: 2, padding: [1, 1] });
      // 2·2·3·9·400·210 ≈ 9.1M multiply-adds a step: above the WebAssembly step's pool threshold.
      const x = { channels: 3, rows: 400, cols: 210, data: randomMatrix(1200, 210, 3, -1, 1).data };
      const config = {
        spec,
        x,
        y: forwardLayerCpu(x, randomWeights(2, 3, 3, 3, 4), [0.2, -0.1], spec),
        useBias: true,
        loss: 'mean',
        optimizer: { kind: 'sgd', lr: 0.05 },
        initWeight: randomWeights(2, 3, 3, 3, 5),
        initBias: [0, 0],
      } as const;
      const evaluation = await pool.trainEvaluation(config);
      expect(evaluation, 'the problem is large enough for the pool').not.toBeNull();
      evaluation?.close();
      const one = await new CpuLayerTrainer(config).run(6);
      const many = await new CpuLayerTrainer(config, undefined, pool).run(6);
      expect(many.losses.length).toBe(6);
      many.losses.forEach((loss, i) => expect(loss).toBeCloseTo(one.losses[i], 9));
    } finally {
      pool.dispose();
    }
  });
});
