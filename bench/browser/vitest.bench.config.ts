import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { isolatedServer, tfjsDeps, webGpuBrowser } from '../../vitest.gpu.config';

/** The browser benchmark: one long "test" in Chromium with WebGPU (SwiftShader here). */
export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  optimizeDeps: { include: tfjsDeps },
  server: isolatedServer,
  test: {
    include: ['bench/browser/**/*.bench-test.ts'],
    testTimeout: 1_800_000,
    env: {
      BENCH_QUICK: process.env.BENCH_QUICK ?? '',
      BENCH_TFJS_BUDGET_MS: process.env.BENCH_TFJS_BUDGET_MS ?? '',
      BENCH_ONLY: process.env.BENCH_ONLY ?? '',
    },
    browser: webGpuBrowser,
  },
});
