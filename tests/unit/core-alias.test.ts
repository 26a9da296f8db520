/**
 * Code outside core/ imports it through the one alias package.json declares ("#core/*"), never
 * by a relative path, so moving a file never breaks its core imports and the layers stay readable.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../helpers/cli-harness';

const SKIP = new Set(['node_modules', '.git', 'out', 'core', 'dist', 'release', 'test-results']);

function sources(dir: string, found: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) sources(path, found);
    else if (/\.(ts|svelte)$/.test(entry.name)) found.push(path);
  }
  return found;
}

describe('core imports', () => {
  it('package.json maps #core/* to core/', () => {
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
      imports?: Record<string, string>;
    };
    expect(pkg.imports?.['#core/*']).toBe('./core/*.ts');
  });

  it('no file outside core/ imports core by a relative path', () => {
    const relativeCore = /(?:from\s+|import\s*\(\s*)['"](?:\.\.?\/)+core\//;
    const offenders = sources(REPO).filter((f) => relativeCore.test(readFileSync(f, 'utf8')));
    expect(offenders.map((f) => relative(REPO, f))).toEqual([]);
  });
});
