#!/usr/bin/env node
// `npm run start:browser`: build only when the sources changed since the last build
// (scripts/build-state.mjs), then run the browser-mode server (out/main/browser.js) in this process.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ensureBuilt } from './build-state.mjs';

const root = join(import.meta.dirname, '..');
if (!ensureBuilt(root)) process.exit(1);
await import(pathToFileURL(join(root, 'out/main/browser.js')).href);
