// Is there an Electron binary to launch? Never downloads: this only looks.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

export function electronBinaryStatus() {
  let pkgDir;
  try {
    pkgDir = dirname(require.resolve('electron/package.json'));
  } catch {
    return { available: false, reason: 'the electron package is not installed' };
  }
  const pathFile = join(pkgDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : 'electron';
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override) {
    const binary = join(override, relative);
    return existsSync(binary)
      ? { available: true, binary }
      : { available: false, reason: `ELECTRON_OVERRIDE_DIST_PATH has no ${relative}` };
  }
  const binary = join(pkgDir, 'dist', relative);
  if (existsSync(pathFile) && existsSync(binary)) return { available: true, binary };
  return {
    available: false,
    reason:
      'no Electron binary on this machine (its download host is unreachable here); set ELECTRON_OVERRIDE_DIST_PATH to an unpacked Electron to run them',
  };
}
