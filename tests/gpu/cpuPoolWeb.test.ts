/**
 * The renderer's CPU pool in real Chromium: module Web Workers built by Vite from
 * renderer/src/compute/cpu-worker.ts give the one-thread result to the last bit.
 */
import { describe, expect, it } from 'vitest';
import { forwardLayerCpu } from '../../core/cpu';
import { convSpec } from '../../core/layer';
import { randomMatrix, randomWeights } from '../../core/random';
import { createWebCpuPool } from '../../renderer/src/compute/cpu-pool';

// Browser-only: the Node GPU suite (vitest.gpu.node.config.ts) has no Web Workers; tests/unit/cpu-pool.test.ts covers Node's.
describe.skipIf(!('Worker' in globalThis))('createWebCpuPool (Web Workers)', () => {
  it('computes a 3→4 "same" layer bit-identically to one thread, on workers', async () => {
    const pool = createWebCpuPool();
    expect(pool, 'this browser reports one core: no workers to test').not.toBeNull();
    if (!pool) return;
    try {
      expect(pool.threads).toBeGreaterThan(1);
      const x = { channels: 3, rows: 300, cols: 310, data: randomMatrix(900, 310, 1, -1, 1).data };
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
});
