/**
 * The layer bench rows (layer.ts) on their own, in Chromium: prints `BENCH_JSON {...}` and
 * writes bench/browser/layer-results.json. `npx vitest run --config
 * bench/browser/vitest.bench.config.ts bench/browser/layer.bench-test.ts`.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import '@tensorflow/tfjs-backend-webgpu';
import { expect, test } from 'vitest';
import { commands } from 'vitest/browser';
import { createWebGpuBackend } from '../../gpu/backend';
import { benchLayer } from './layer';

const benchEnv = (import.meta as unknown as { env: Record<string, string | undefined> }).env;
const only = benchEnv.BENCH_ONLY ? new RegExp(benchEnv.BENCH_ONLY) : null;

test('benchmark: the layer, ours vs tfjs on WebGPU', async () => {
  expect(await tf.setBackend('webgpu')).toBe(true);
  await tf.ready();
  const tfjs = tf.backend() as WebGPUBackend;
  const ours = await createWebGpuBackend();
  const results: { workload: string; impl: string; median_ms: number; runs: number; note?: string }[] = [];
  try {
    await benchLayer(ours, tfjs, {
      record(workload, impl, t, note) {
        results.push({
          workload,
          impl,
          median_ms: Number(t.medianMs.toFixed(3)),
          runs: t.runs,
          ...(note ? { note } : {}),
        });
        console.log(
          `${impl.padEnd(8)} ${workload.padEnd(44)} ${t.medianMs.toFixed(2).padStart(10)} ms  (${t.runs} runs${note ? `; ${note}` : ''})`,
        );
      },
      async drain(b) {
        b.ensureCommandEncoderReady();
        b.endComputePassEncoder();
        b.submitQueue();
        await b.device.queue.onSubmittedWorkDone();
      },
      selected: (workload) => !only || only.test(workload),
      tfjsBudgetMs: Number(benchEnv.BENCH_TFJS_BUDGET_MS) || 40_000,
    });
  } finally {
    ours.dispose();
  }
  const report = { adapter: ours.label, results };
  console.log(`BENCH_JSON ${JSON.stringify(report)}`);
  await commands.writeFile('bench/browser/layer-results.json', `${JSON.stringify(report, null, 2)}\n`);
});
