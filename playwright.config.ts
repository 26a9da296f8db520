import { defineConfig } from '@playwright/test';

/**
 * End-to-end tests: the built renderer in Debian Chromium with WebGPU on
 * (SwiftShader here), talking to the real main-process handlers through the
 * browser-mode server (see tests/e2e/fixtures.ts).
 */
export default defineConfig({
  testDir: 'tests/e2e',
  // Fails the run if a test changed a file outside its temp folders (tests run as root in CI).
  globalSetup: './tests/setup/playwright-global.ts',
  timeout: 120_000,
  expect: { timeout: 20_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [
    ['list'],
    ['json', { outputFile: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME ?? 'test-results/e2e.json' }],
  ],
  use: { trace: 'off', screenshot: 'only-on-failure' },
});
