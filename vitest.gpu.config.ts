import { defineConfig } from 'vitest/config';
import { playwright } from '@vitest/browser-playwright';

/**
 * GPU tests run in real Chromium: WebGPU exists only in a browser, and on these CPU-only machines
 * only with --enable-unsafe-webgpu, which exposes SwiftShader's software (fallback) adapter.
 */
const chromiumWithWebGpu = playwright({
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

/** Headless Chromium with WebGPU, for the GPU tests and the browser benchmark. */
export const webGpuBrowser = {
  enabled: true,
  provider: chromiumWithWebGpu,
  headless: true,
  instances: [{ browser: 'chromium' as const }],
  screenshotFailures: false,
};

/**
 * The test page is cross-origin isolated as the app's is (main/services/csp.ts), so the CPU pool's
 * workers get shared WebAssembly memories there too.
 */
export const isolatedServer = {
  headers: {
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Embedder-Policy': 'require-corp',
  },
};

/** Pre-bundled up front: discovering them mid-run makes Vite reload the test page. */
export const tfjsDeps = [
  '@tensorflow/tfjs-core',
  '@tensorflow/tfjs-backend-webgpu',
  '@tensorflow/tfjs-core/dist/register_all_gradients',
  '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops',
];

export default defineConfig({
  optimizeDeps: { include: tfjsDeps },
  server: isolatedServer,
  test: {
    include: ['tests/gpu/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // One page: the tests share one GPU device and SwiftShader has two cores to work with.
    fileParallelism: false,
    globalSetup: ['tests/setup/vitest-global.ts'],
    browser: webGpuBrowser,
  },
});
