/**
 * Hostile .kstudio files under the 64 MiB limit: each fails fast with one typed line (no stack
 * overflow, no heap exhaustion, no freeze), and a valid 4096² workspace opens in seconds.
 * The renderer (Electron and browser mode) runs this same core code.
 */
import { describe, expect, it } from 'vitest';
import { KernelStudioError } from '#core/errors';
import {
  defaultDocument,
  MAX_RUN_POINTS,
  MAX_WORKSPACE_BYTES,
  parseWorkspace,
  WORKSPACE_JSON_LIMITS,
  workspaceToFile,
} from '#core/workspace/index';

const SIDE = 4096;
/**
 * "A few seconds at most": each case is a few passes over the text (the shape pass, JSON.parse,
 * the forbidden-key walk, a loop that stops at the first problem). The bound is loose because
 * these machines are shared (at a load of 17 on 2 cores, 20 runs × 100k bad points took 14 s);
 * before the fix the same cases ran out of heap, overflowed the stack or froze for 11–90 s.
 */
const SECONDS_BUDGET = 20;

/** Parses, and returns the typed error (or null) with the time it took. */
function open(text: string): { error: KernelStudioError | null; ms: number } {
  expect(text.length).toBeLessThanOrEqual(MAX_WORKSPACE_BYTES);
  const started = performance.now();
  try {
    parseWorkspace(text, 'h.kstudio');
    return { error: null, ms: performance.now() - started };
  } catch (e) {
    if (!(e instanceof KernelStudioError)) throw e;
    expect(e.message).not.toMatch(/\n/);
    expect(e.message.length).toBeLessThan(400);
    return { error: e, ms: performance.now() - started };
  }
}

/** A valid file's JSON with `document.x` replaced by raw text. */
function withX(xText: string): string {
  const file = JSON.stringify(workspaceToFile(defaultDocument()));
  // X is a stack of channels (C×H×W): the hostile grid is its one channel.
  return file.replace(/"x":\[\[\[.*?\]\]\]/, () => `"x":[${xText}]`);
}

const rowOf = (cell: string): string => `[${Array(SIDE).fill(cell).join(',')}]`;

describe('hostile workspaces fail fast with one line', () => {
  it('a 4096² grid of "" (was a 23 s freeze, then a stack overflow)', () => {
    const { error, ms } = open(withX(`[${Array(SIDE).fill(rowOf('""')).join(',')}]`));
    expect(error?.message).toBe('h.kstudio: document.x[0][0][0]: expected a number.');
    expect(ms).toBeLessThan(SECONDS_BUDGET * 1000);
  });

  it('20 runs × 100k bad points (was an 11.5 s freeze)', () => {
    const file = workspaceToFile(defaultDocument());
    const points = `[${Array(MAX_RUN_POINTS).fill('{"step":1,"loss":"x"}').join(',')}]`;
    const run = (i: number) =>
      `{"id":"r${i}","label":"r","settings":${JSON.stringify(file.document.training)},"points":${points}}`;
    const text = JSON.stringify({ ...file, runs: [] }).replace(
      '"runs":[]',
      () => `"runs":[${Array.from({ length: 20 }, (_, i) => run(i)).join(',')}]`,
    );
    const { error, ms } = open(text);
    expect(error?.message).toBe('h.kstudio: runs[0].points[0].loss: expected a number.');
    expect(ms).toBeLessThan(SECONDS_BUDGET * 1000);
  });

  it('100 000 runs that are not runs: one issue for the length, not one per run', () => {
    const text = JSON.stringify({ ...workspaceToFile(defaultDocument()), runs: [] }).replace(
      '"runs":[]',
      () => `"runs":[${Array(100_000).fill('{"x":1}').join(',')}]`,
    );
    const { error, ms } = open(text);
    expect(error?.message).toBe('h.kstudio: runs: has 100000 items; the limit is 500.');
    expect(ms).toBeLessThan(SECONDS_BUDGET * 1000);
  });

  it('nesting 10 million levels deep never reaches JSON.parse or any recursion', () => {
    const depth = 10_000_000;
    const { error, ms } = open('['.repeat(depth) + ']'.repeat(depth));
    expect(error?.message).toMatch(
      /^h\.kstudio nests lists or objects deeper than 8 levels \(at character 9\)/,
    );
    expect(ms).toBeLessThan(SECONDS_BUDGET * 1000);
  });

  it('a list of more than 100 000 empty objects is refused before it is built', () => {
    const { error, ms } = open(`{"runs":[${Array(100_001).fill('{}').join(',')}]}`);
    expect(error?.code).toBe('too-large');
    expect(error?.message).toMatch(/more than 100000 entries/);
    expect(ms).toBeLessThan(SECONDS_BUDGET * 1000);
  });

  it('3.5 million empty objects in lists of 100 000 are refused by the total count', () => {
    const list = `[${Array(100_000).fill('{}').join(',')}]`;
    const { error, ms } = open(`{"runs":[${Array(35).fill(list).join(',')}]}`);
    expect(error?.message).toMatch(
      new RegExp(`more than ${WORKSPACE_JSON_LIMITS.maxContainers} lists and objects`),
    );
    expect(ms).toBeLessThan(SECONDS_BUDGET * 1000);
  });

  it('an object with 50 000 unknown keys gives one short line', () => {
    const keys = Array.from({ length: 50_000 }, (_, i) => `"k${i}":0`).join(',');
    const text = JSON.stringify(workspaceToFile(defaultDocument())).replace(
      '"bias":[0],',
      () => `${keys},"bias":[0],`,
    );
    const { error } = open(text);
    expect(error?.message).toMatch(/^h\.kstudio: document: .*k0.*…\.$/);
  });
});
