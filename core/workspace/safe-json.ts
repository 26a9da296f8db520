import { KernelStudioError } from '../errors';

/** Keys that must never appear anywhere in a loaded file: they are how prototype pollution starts. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * `JSON.parse` for untrusted text: a syntax error becomes a `format` error that
 * names the file, and any `__proto__` / `constructor` / `prototype` key anywhere
 * is refused (with its path) before the value reaches any other code.
 * `JSON.parse` itself only ever creates own properties, so Object.prototype is never touched.
 */
export function parseUntrustedJson(text: string, fileName: string): unknown {
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

/** Walks a parsed JSON value without recursion; returns the first forbidden key and where it is. */
export function findForbiddenKey(root: unknown): { key: string; path: string } | null {
  const stack: Array<{ value: unknown; path: string }> = [{ value: root, path: '(top level)' }];
  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    if (Array.isArray(value)) {
      // Arrays of numbers (the grids) are the bulk of a file: skip them cheaply.
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        if (item !== null && typeof item === 'object') stack.push({ value: item, path: `${path}[${i}]` });
      }
      continue;
    }
    for (const key of Object.keys(value)) {
      const where = path === '(top level)' ? key : `${path}.${key}`;
      if (FORBIDDEN_KEYS.has(key)) return { key, path: path === '(top level)' ? 'the top level' : path };
      stack.push({ value: (value as Record<string, unknown>)[key], path: where });
    }
  }
  return null;
}

function oneLine(s: string): string {
  const line = s.replace(/\s+/g, ' ').trim();
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}
