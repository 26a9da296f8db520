#!/usr/bin/env node
// `npm start`: build when the sources changed since the last build, then launch Kernel Studio in Electron. When the Electron
// binary cannot be obtained (offline, or its download host unreachable), say so
// in two lines and point to browser mode instead of printing a stack trace.
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ensureBuilt } from './build-state.mjs';
import { electronBinaryStatus } from './electron-binary.mjs';

const root = join(import.meta.dirname, '..');

function obtainElectron() {
  const status = electronBinaryStatus();
  if (status.available || process.env.ELECTRON_OVERRIDE_DIST_PATH) return status;
  // Electron ≥ 42 fetches its binary on first use; do that here, quietly, so a failure reads well.
  console.log('Fetching the Electron binary (first launch only)…');
  const pkgDir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  const install = spawnSync(process.execPath, [join(pkgDir, 'install.js')], {
    encoding: 'utf8',
    timeout: 600_000,
  });
  const after = electronBinaryStatus();
  if (after.available) return after;
  const reason = `${install.stderr ?? ''}\n${install.stdout ?? ''}`
    .split('\n')
    .map((line) => line.trim())
    .find((line) => /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|ECONNRESET|40\d|50\d|error/i.test(line));
  return { available: false, reason: (reason ?? 'the download did not complete').slice(0, 160) };
}

const electron = obtainElectron();
if (!electron.available) {
  console.error(`Kernel Studio: could not get the Electron binary (${electron.reason}).`);
  console.error('Run `npm run start:browser` to use Kernel Studio in Chromium or Chrome instead.');
  process.exit(1);
}

if (!ensureBuilt(root)) process.exit(1);

const child = spawn(electron.binary, [root, ...process.argv.slice(2)], { stdio: 'inherit' });
child.on('exit', (code) => process.exit(code ?? 0));
