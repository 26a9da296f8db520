import { defineConfig } from 'vitest/config';

/**
 * The GPU suites (tests/gpu, golden cases included, and tests/gpu-node: the CLI's --backend webgpu) in Node through Dawn for Node (the optional
 * `webgpu` package): the path a GPU machine without Chromium runs. tests/helpers/dawn-setup.ts installs
 * navigator.gpu and, where no Vulkan driver is chosen, points Dawn at SwiftShader.
 */
export default defineConfig({
  test: {
    include: ['tests/gpu/**/*.test.ts', 'tests/gpu-node/**/*.test.ts'],
    environment: 'node',
    setupFiles: ['tests/helpers/dawn-setup.ts'],
    // Fails the run if a test changed a file outside its temp folders (tests run as root in CI).
    globalSetup: ['tests/setup/vitest-global.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // One device at a time: the tests share the GPU (and SwiftShader the CPU cores).
    fileParallelism: false,
    pool: 'forks',
  },
});
