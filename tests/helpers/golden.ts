/** Golden cases computed with PyTorch (float64), read with node:fs from ../shared/golden when present, else the copy in tests/golden. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { GoldenCase } from './golden-cases';
import { close, type Tolerance } from './golden-cases';
import type { LayerCase } from './golden-layer';

export * from './golden-cases';
export * from './golden-layer';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../..');
export const SHARED_GOLDEN_DIR = resolve(repoRoot, '../shared/golden');
export const LOCAL_GOLDEN_DIR = join(repoRoot, 'tests/golden');

export function goldenDir(): string {
  return existsSync(SHARED_GOLDEN_DIR) ? SHARED_GOLDEN_DIR : LOCAL_GOLDEN_DIR;
}

function readCases<T>(dir: string): T[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort();
  if (files.length === 0) throw new Error(`no golden cases in ${dir}`);
  return files.map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as T);
}

export function loadGolden(dir = goldenDir()): GoldenCase[] {
  return readCases<GoldenCase>(dir);
}

/** The full-layer cases (channels, padding, stride, dilation): the `layer` folder of the golden directory. */
export function loadLayerGolden(dir = join(goldenDir(), 'layer')): LayerCase[] {
  return readCases<LayerCase>(dir);
}

/** Throws with the first mismatching index, so a failure says where. */
export function expectAllClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol: Tolerance,
  what: string,
): void {
  if (actual.length !== expected.length)
    throw new Error(`${what}: length ${actual.length} ≠ expected ${expected.length}`);
  for (let i = 0; i < expected.length; i++) {
    if (!close(actual[i], expected[i], tol))
      throw new Error(
        `${what}[${i}]: ${actual[i]} ≠ expected ${expected[i]} (rtol ${tol.rtol}, atol ${tol.atol})`,
      );
  }
}
