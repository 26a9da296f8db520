import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

/**
 * Unit tests run in Node; GPU tests run in real Chromium (see vitest.gpu.config.ts).
 * The Svelte plugin compiles rune state classes (`.svelte.ts`), so their tests
 * (`.svelte.test.ts`) run them for real under `$effect.root` and `flushSync`. Tests in
 * Node are transformed as SSR, where Svelte compiles for the server and `$effect` never
 * runs: so rune modules are compiled for the client (`generate: 'client'`), and Svelte,
 * inlined, resolves with the `browser` condition to its client runtime, where effects run.
 */
export default defineConfig({
  plugins: [
    svelte({ configFile: './svelte.config.js', dynamicCompileOptions: () => ({ generate: 'client' }) }),
  ],
  resolve: {
    conditions: ['browser'],
    // The browser condition would pick ws's browser stub (a throw): the server tests need its Node code.
    alias: [{ find: /^ws$/, replacement: fileURLToPath(import.meta.resolve('ws')) }],
  },
  ssr: { resolve: { conditions: ['browser'] } },
  test: {
    include: ['tests/unit/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    pool: 'forks',
    server: { deps: { inline: ['svelte'] } },
    // Fails the run if a test changed a file outside its temp folders (tests run as root in CI).
    globalSetup: ['tests/setup/vitest-global.ts'],
  },
});
