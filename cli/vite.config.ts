/**
 * Builds the headless CLI into out/cli/index.js: an SSR (Node) library build, ESM,
 * Node 20, with node built-ins and npm dependencies left as runtime imports.
 */
import { builtinModules } from 'node:module';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import pkg from '../package.json' with { type: 'json' };

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
const dependencies = [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.optionalDependencies ?? {})];
const external = [
  ...builtinModules,
  ...builtinModules.map((m) => `node:${m}`),
  ...dependencies,
  ...dependencies.map((d) => new RegExp(`^${d.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}/`)),
];

export default defineConfig({
  root,
  publicDir: false,
  logLevel: 'warn',
  build: {
    ssr: true,
    outDir: resolve(root, 'out/cli'),
    emptyOutDir: true,
    target: 'node20',
    minify: false,
    sourcemap: true,
    rollupOptions: {
      external,
      // The CPU pool's worker (node/cpu-pool.ts) is loaded from beside the bundle.
      input: { index: resolve(root, 'cli/index.ts'), 'cpu-worker': resolve(root, 'node/cpu-worker.ts') },
      output: { format: 'es', entryFileNames: '[name].js' },
    },
  },
  ssr: { target: 'node', noExternal: [] },
});
