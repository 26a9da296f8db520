import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOCAL_GOLDEN_DIR, SHARED_GOLDEN_DIR } from '../helpers/golden';

/**
 * The browser suites (tests/gpu) import tests/golden/*.json; the Node suites prefer
 * ../shared/golden. The copy must be the same bytes, or the GPU tests would check stale numbers.
 */
describe('tests/golden is an exact copy of ../shared/golden', () => {
  const shared = existsSync(SHARED_GOLDEN_DIR);
  it.skipIf(!shared)('every shared golden file is copied byte for byte, and nothing else', () => {
    const names = readdirSync(SHARED_GOLDEN_DIR)
      .filter((f) => f.endsWith('.json'))
      .sort();
    expect(names.length).toBeGreaterThan(0);
    expect(
      readdirSync(LOCAL_GOLDEN_DIR)
        .filter((f) => f.endsWith('.json'))
        .sort(),
    ).toEqual(names);
    for (const name of names)
      expect(readFileSync(join(LOCAL_GOLDEN_DIR, name)), name).toEqual(
        readFileSync(join(SHARED_GOLDEN_DIR, name)),
      );
  });
});
