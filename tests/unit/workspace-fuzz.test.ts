import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KernelStudioError } from '#core/errors';
import { parseWorkspace, serializeWorkspace } from '#core/workspace/index';
import { documentArb, sampleDocument } from './workspace-samples';

/**
 * The loader against hostile input: whatever it gets, it returns a document or
 * throws a typed KernelStudioError, and never touches Object.prototype.
 * 3,000 + 3,000 + 3,000 + 2,000 = 11,000 cases.
 */
const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort();

function loadsSafely(text: string): void {
  try {
    parseWorkspace(text, 'fuzz.kstudio');
  } catch (error) {
    if (!(error instanceof KernelStudioError)) throw error;
    expect(error.message.startsWith('fuzz.kstudio')).toBe(true);
    expect(error.message).not.toMatch(/\n/);
  }
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeKeys);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
}

const hostileKey = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'format', 'version', 'document', 'x', 'k', 'runs'),
  fc.string({ maxLength: 8 }),
);
const hostileJson = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom(null, true, false, 0, -0, 1e308, 'kernel-studio-workspace', 1, 2, ''),
    fc.double(),
    fc.string({ maxLength: 12 }),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(hostileKey, tie('value'), { maxKeys: 5 }),
  ),
})).value;

/** Applies one random edit at a random place in a valid workspace's JSON. */
function mutate(json: unknown, pathSeed: number[], replacement: unknown, op: number): unknown {
  if (pathSeed.length === 0 || json === null || typeof json !== 'object') return replacement;
  const [pick, ...rest] = pathSeed;
  if (Array.isArray(json)) {
    if (json.length === 0) return op === 0 ? [replacement] : json;
    const i = pick % json.length;
    const copy = [...json] as unknown[];
    if (op === 1 && rest.length === 0) copy.splice(i, 1);
    else copy[i] = mutate(copy[i], rest, replacement, op);
    return copy;
  }
  const keys = Object.keys(json);
  if (keys.length === 0) return json;
  const key = keys[pick % keys.length];
  const copy: Record<string, unknown> = { ...(json as Record<string, unknown>) };
  if (op === 1 && rest.length === 0) delete copy[key];
  else if (op === 2 && rest.length === 0)
    Object.defineProperty(copy, '__proto__', { value: replacement, enumerable: true });
  else copy[key] = mutate(copy[key], rest, replacement, op);
  return copy;
}

describe('workspace loader fuzz', () => {
  it('random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        loadsSafely(new TextDecoder().decode(bytes));
      }),
      { numRuns: 3000 },
    );
  });

  it('random JSON values, with hostile keys', () => {
    fc.assert(
      fc.property(hostileJson, (value) => {
        loadsSafely(JSON.stringify(value) ?? 'undefined');
        loadsSafely(JSON.stringify({ format: 'kernel-studio-workspace', version: 1, document: value }));
      }),
      { numRuns: 3000 },
    );
  });

  it('mutated valid workspaces (structural edits)', () => {
    const base = JSON.parse(serializeWorkspace(sampleDocument())) as unknown;
    fc.assert(
      fc.property(
        fc.array(fc.nat(), { minLength: 1, maxLength: 6 }),
        hostileJson,
        fc.integer({ min: 0, max: 3 }),
        (path, replacement, op) => {
          loadsSafely(JSON.stringify(mutate(base, path, replacement, op)));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('mutated valid workspaces (text edits: flips, cuts, insertions)', () => {
    fc.assert(
      fc.property(
        documentArb,
        fc.nat(),
        fc.constantFrom('truncate', 'flip', 'insert'),
        fc.string({ maxLength: 6 }),
        (doc, at, kind, insert) => {
          const text = serializeWorkspace(doc);
          const i = at % text.length;
          const edited =
            kind === 'truncate'
              ? text.slice(0, i)
              : kind === 'flip'
                ? text.slice(0, i) + String.fromCharCode(text.charCodeAt(i) ^ 0x21) + text.slice(i + 1)
                : text.slice(0, i) + insert + text.slice(i);
          loadsSafely(edited);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
