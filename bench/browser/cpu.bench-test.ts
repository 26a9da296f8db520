/**
 * Issue 21's CPU target workloads (bench/cpu-workloads.ts), ours on one thread in Chromium: the
 * engine the app's renderer runs, where relaxed SIMD gives the WebAssembly programs a fused
 * multiply-add that Node 20 lacks. Prints one line `BENCH_JSON {...}` for scripts/bench.mjs.
 */
import { expect, test } from 'vitest';
import { wasmFmaAvailable } from '#core/wasm/layer';
import { median } from '../timing';
import { CPU_TARGET_WORKLOADS } from '../cpu-workloads';

const benchEnv = (import.meta as unknown as { env: Record<string, string | undefined> }).env;

test('benchmark: our CPU engine in Chromium', () => {
  const quick = benchEnv.BENCH_QUICK === '1';
  const results = Object.entries(CPU_TARGET_WORKLOADS)
    .filter(([workload]) => !quick || workload === 'corr2d 1024² 3×3')
    .map(([workload, make]) => {
      const work = make();
      const runs = quick ? 3 : workload.includes('100 steps') ? 5 : 10;
      for (let i = 0; i < (quick ? 1 : 3); i++) work();
      const times: number[] = [];
      for (let i = 0; i < runs; i++) {
        const t0 = performance.now();
        work();
        times.push(performance.now() - t0);
      }
      return { workload, impl: 'ours-chromium', median_ms: median(times), runs };
    });
  expect(results.length).toBeGreaterThan(0);
  console.log(`BENCH_JSON ${JSON.stringify({ results, fma: wasmFmaAvailable() })}`);
});
