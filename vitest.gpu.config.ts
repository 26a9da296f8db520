import { defineConfig } from 'vitest/config';
import { playwright } from '@vitest/browser-playwright';

/**
 * GPU tests run in real Chromium: WebGPU exists only in a browser, and on these CPU-only machines
 * only with --enable-unsafe-webgpu, which exposes SwiftShader's software (fallback) adapter.
 */
export const chromiumWithWebGpu = playwright({
  launchOptions: {
    executablePath: '/usr/bin/chromium',
    args: [
      '--enable-unsafe-webgpu',
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  },
});

export default defineConfig({
  // Pre-bundled up front: discovering them mid-run makes Vite reload the test page.
  optimizeDeps: {
    include: [
      '@tensorflow/tfjs-core',
      '@tensorflow/tfjs-backend-webgpu',
      '@tensorflow/tfjs-core/dist/register_all_gradients',
      '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops',
    ],
  },
  test: {
    include: ['tests/gpu/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // One page: the tests share one GPU device and SwiftShader has two cores to work with.
    fileParallelism: false,
    browser: {
      enabled: true,
      provider: chromiumWithWebGpu,
      headless: true,
      instances: [{ browser: 'chromium' }],
      screenshotFailures: false,
    },
  },
});
