import { defineConfig } from 'vitest/config';

/** Unit tests run in Node; GPU tests run in real Chromium (see vitest.gpu.config.ts). */
export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    pool: 'forks',
  },
});
