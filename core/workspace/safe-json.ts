import { KernelStudioError } from '../errors';

/** Keys that must never appear anywhere in a loaded file: they are how prototype pollution starts. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** Bounds on the shape of JSON text, checked before it is parsed. */
export interface JsonShapeLimits {
  /** Most levels of nested lists and objects. */
  readonly maxDepth: number;
  /** Most entries in one list or object. */
  readonly maxEntries: number;
  /** Most lists and objects in the whole text. */
  readonly maxContainers: number;
}

/**
 * One pass over the text, before `JSON.parse` builds anything: refuses nesting deeper than
 * `maxDepth`, a list or object with more than `maxEntries` entries, and more than
 * `maxContainers` lists and objects in all. No recursion; strings are skipped whole.
 * Text that is not JSON passes through to `JSON.parse`, which reports the syntax error.
 */
export function checkJsonShape(text: string, fileName: string, limits: JsonShapeLimits): void {
  const entries: number[] = []; // commas + 1 of each open list/object, innermost last
  let containers = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // A string: skip to its closing quote, over escapes.
      for (i++; i < n; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) i++;
        else if (d === 0x22) break;
      }
    } else if (c === 0x5b || c === 0x7b) {
      if (entries.length >= limits.maxDepth)
        throw new KernelStudioError(
          'format',
          `${fileName} nests lists or objects deeper than ${limits.maxDepth} levels (at character ${i + 1}): not a workspace.`,
        );
      if (++containers > limits.maxContainers)
        throw new KernelStudioError(
          'too-large',
          `${fileName} holds more than ${limits.maxContainers} lists and objects: over the limit.`,
        );
      entries.push(1);
    } else if (c === 0x5d || c === 0x7d) entries.pop();
    else if (c === 0x2c && entries.length > 0 && ++entries[entries.length - 1] > limits.maxEntries)
      throw new KernelStudioError(
        'too-large',
        `${fileName} has a list or object with more than ${limits.maxEntries} entries (at character ${i + 1}): over the limit.`,
      );
  }
}

/**
 * `JSON.parse` for untrusted text: the shape is bounded first (`checkJsonShape`), a syntax
 * error becomes a `format` error that names the file, and any `__proto__` / `constructor` /
 * `prototype` key anywhere is refused (with its path) before the value reaches any other code.
 * `JSON.parse` itself only ever creates own properties, so Object.prototype is never touched.
 */
export function parseUntrustedJson(text: string, fileName: string, limits: JsonShapeLimits): unknown {
  checkJsonShape(text, fileName, limits);
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new KernelStudioError('format', `${fileName} is not valid JSON: ${oneLine(detail)}`);
  }
  const bad = findForbiddenKey(value);
  if (bad !== null)
    throw new KernelStudioError(
      'format',
      `${fileName} contains the forbidden key "${bad.key}" at ${bad.path}: refused.`,
    );
  return value;
}

/**
 * Walks a parsed JSON value without recursion; returns the first forbidden key and where it is.
 * Paths are built only for the answer: each visited object remembers its parent and key, so
 * millions of small objects (loss points) cost no strings.
 */
export function findForbiddenKey(root: unknown): { key: string; path: string } | null {
  const parents: number[] = [-1];
  const keys: Array<string | number> = [''];
  const values: unknown[] = [root];
  const pathOf = (node: number): string => {
    const parts: Array<string | number> = [];
    for (let n = node; n > 0; n = parents[n]) parts.push(keys[n]);
    if (parts.length === 0) return 'the top level';
    let out = '';
    for (let i = parts.length - 1; i >= 0; i--) {
      const part = parts[i];
      out += typeof part === 'number' ? `[${part}]` : out ? `.${part}` : part;
    }
    return out;
  };
  for (let node = 0; node < values.length; node++) {
    const value = values[node];
    if (value === null || typeof value !== 'object') continue; // only the root can be a primitive
    if (Array.isArray(value)) {
      // Arrays of numbers (the grids) are the bulk of a file: skip them cheaply.
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        if (item !== null && typeof item === 'object') {
          values.push(item);
          parents.push(node);
          keys.push(i);
        }
      }
      continue;
    }
    const record = value as Record<string, unknown>;
    for (const key in record) {
      if (FORBIDDEN_KEYS.has(key)) return { key, path: pathOf(node) };
      const item = record[key];
      if (item !== null && typeof item === 'object') {
        values.push(item);
        parents.push(node);
        keys.push(key);
      }
    }
  }
  return null;
}

/** A message on one line and at most 200 characters (zod lists every unknown key, however many). */
export function oneLine(s: string): string {
  const line = s.replace(/\s+/g, ' ').trim();
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}
