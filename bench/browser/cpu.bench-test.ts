/**
 * Issue 21's CPU target workloads (bench/cpu-workloads.ts) in Chromium, the engine the app's
 * renderer runs, where relaxed SIMD gives the WebAssembly programs a fused multiply-add that Node
 * 20 lacks: on one thread and on every core (the renderer's pool; the page is cross-origin
 * isolated as the app's is). Prints one line `BENCH_JSON {...}` for scripts/bench.mjs.
 */
import { expect, test } from 'vitest';
import { wasmFmaAvailable, wasmSharedMemoryAvailable } from '#core/wasm/layer';
import { createWebCpuPool } from '../../renderer/src/compute/cpu-pool';
import { median } from '../timing';
import type { CpuWork } from '../cpu-workloads';
import { CPU_TARGET_WORKLOADS } from '../cpu-workloads';

const benchEnv = (import.meta as unknown as { env: Record<string, string | undefined> }).env;

test('benchmark: our CPU engine in Chromium', async () => {
  const quick = benchEnv.BENCH_QUICK === '1';
  // Every core: the renderer's own pool (module Web Workers; shared memories: the page is isolated).
  const pool = createWebCpuPool();
  const results: { workload: string; impl: string; median_ms: number; runs: number }[] = [];
  try {
    for (const [workload, make] of Object.entries(CPU_TARGET_WORKLOADS)) {
      if (quick && workload !== 'corr2d 1024² 3×3') continue;
      const variants: [string, CpuWork][] = [['ours-chromium', make()]];
      if (pool) variants.push(['ours-chromium-threads', make(pool)]);
      const runs = quick ? 3 : workload.includes('100 steps') ? 5 : 10;
      const times = variants.map(() => [] as number[]);
      for (const [, work] of variants) for (let i = 0; i < (quick ? 1 : 3); i++) await work();
      // In turns, as the Node rows: the same machine state for both.
      for (let i = 0; i < runs; i++)
        for (const [v, [, work]] of variants.entries()) {
          const t0 = performance.now();
          await work();
          times[v].push(performance.now() - t0);
        }
      variants.forEach(([impl], v) => results.push({ workload, impl, median_ms: median(times[v]), runs }));
    }
  } finally {
    pool?.dispose();
  }
  expect(results.length).toBeGreaterThan(0);
  const report = {
    results,
    fma: wasmFmaAvailable(),
    shared: wasmSharedMemoryAvailable(),
    threads: pool?.threads ?? 1,
  };
  console.log(`BENCH_JSON ${JSON.stringify(report)}`);
});
