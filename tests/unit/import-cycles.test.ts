/**
 * The engine's modules import each other in one direction: no cycle through core/, gpu/ or
 * node/, type-only imports included (a type cycle still ties the modules' designs together).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../helpers/cli-harness';

function sources(dir: string, found: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) sources(path, found);
    else if (entry.name.endsWith('.ts')) found.push(path);
  }
  return found;
}

/** Each file's imports and re-exports of other files in the set (relative or through #core/). */
function importGraph(files: string[]): Map<string, string[]> {
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  const specifier = /^(?:import|export)\b[^;]*?\bfrom\s+'([^']+)'/gms;
  for (const file of files) {
    const deps: string[] = [];
    for (const [, spec] of readFileSync(file, 'utf8').matchAll(specifier)) {
      const base = spec.startsWith('#core/')
        ? join(REPO, 'core', spec.slice('#core/'.length))
        : spec.startsWith('.')
          ? resolve(dirname(file), spec)
          : null;
      const target = base && [`${base}.ts`, join(base, 'index.ts')].find((p) => known.has(p));
      if (target) deps.push(target);
    }
    graph.set(file, deps);
  }
  return graph;
}

/** One cycle of the graph, as a path that ends where it starts, or null. */
function findCycle(graph: Map<string, string[]>): string[] | null {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (file: string): string[] | null => {
    state.set(file, 'open');
    path.push(file);
    for (const dep of graph.get(file) ?? []) {
      if (state.get(dep) === 'open') return [...path.slice(path.indexOf(dep)), dep];
      if (!state.has(dep)) {
        const found = visit(dep);
        if (found) return found;
      }
    }
    path.pop();
    state.set(file, 'done');
    return null;
  };
  for (const file of graph.keys()) {
    if (state.has(file)) continue;
    const found = visit(file);
    if (found) return found;
  }
  return null;
}

describe('engine imports', () => {
  it('core/, gpu/ and node/ have no import cycle', () => {
    const files = ['core', 'gpu', 'node'].flatMap((d) => sources(join(REPO, d)));
    const cycle = findCycle(importGraph(files));
    expect(cycle?.map((f) => relative(REPO, f)) ?? null).toBeNull();
  });
});
