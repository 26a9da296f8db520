import { defineConfig } from 'vitest/config';

/** Unit tests run in Node; GPU tests run in real Chromium (see vitest.gpu.config.ts). */
export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    pool: 'forks',
    // Fails the run if a test changed a file outside its temp folders (tests run as root in CI).
    globalSetup: ['tests/setup/vitest-global.ts'],
  },
});
