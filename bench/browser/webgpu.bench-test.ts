/**
 * The WebGPU bench (bench/webgpu.ts) in Chromium. Prints one line `BENCH_JSON {...}` for
 * scripts/bench.mjs and writes bench/browser/results.json.
 */
import { expect, test } from 'vitest';
import { commands } from 'vitest/browser';
import { runWebGpuBench } from '../webgpu';

const benchEnv = (import.meta as unknown as { env: Record<string, string | undefined> }).env;

test('benchmark: ours vs tfjs on WebGPU', async () => {
  const report = await runWebGpuBench({
    quick: benchEnv.BENCH_QUICK === '1',
    tfjsBudgetMs: Number(benchEnv.BENCH_TFJS_BUDGET_MS) || undefined,
    only: benchEnv.BENCH_ONLY ? new RegExp(benchEnv.BENCH_ONLY) : null,
  });
  expect(report.results.length).toBeGreaterThan(0);
  console.log(`BENCH_JSON ${JSON.stringify(report)}`);
  // Two-space indent and a final newline: what prettier writes, so format:check stays clean.
  await commands.writeFile('bench/browser/results.json', `${JSON.stringify(report, null, 2)}\n`);
});
