import { defineConfig } from '@playwright/test';

/** Launches the real Electron app; runs only where an Electron binary exists (see scripts/test-all.mjs). */
export default defineConfig({
  testDir: '.',
  globalSetup: '../setup/playwright-global.ts',
  timeout: 120_000,
  workers: 1,
  reporter: [
    ['list'],
    ['json', { outputFile: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME ?? '../../test-results/electron.json' }],
  ],
});
