#!/usr/bin/env node
// Launcher for the headless CLI. The CLI is TypeScript built by `npm run build:cli`
// (or `npm run build`) into out/cli/index.js; this file only finds it and runs it.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../out/cli/index.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write(
    'kernel-studio: the CLI is not built yet; run `npm run build` (or `npm run build:cli`) first.\n',
  );
  process.exit(2);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
