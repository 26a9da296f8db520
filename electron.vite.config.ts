import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

const root = import.meta.dirname;

/**
 * The app icon (build/icon.ico, the one the packager uses) as the renderer's favicon.ico, so the
 * browser's automatic /favicon.ico request finds it in Electron (app://) and in browser mode.
 */
function favicon(): Plugin {
  return {
    name: 'kernel-studio-favicon',
    generateBundle() {
      this.emitFile({
        type: 'asset',
        fileName: 'favicon.ico',
        source: readFileSync(resolve(root, 'build/icon.ico')),
      });
    },
  };
}

/**
 * One build for the three Electron targets. `main` also emits the browser-mode
 * server (plain Node, no Electron), so `npm run start:browser` and the e2e tests
 * run exactly the handlers the desktop app runs.
 */
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          index: resolve(root, 'main/index.ts'),
          browser: resolve(root, 'main/browser/index.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // A sandboxed preload must be one CommonJS file with no imports left.
      externalizeDeps: false,
      isolatedEntries: true,
      rollupOptions: {
        input: { index: resolve(root, 'preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(root, 'renderer'),
    plugins: [svelte({ configFile: resolve(root, 'svelte.config.js') }), favicon()],
    build: {
      outDir: resolve(root, 'out/renderer'),
      // tfjs-backend-webgpu is large; no point warning about it on every build.
      chunkSizeWarningLimit: 2048,
      rollupOptions: { input: { index: resolve(root, 'renderer/index.html') } },
    },
  },
});
