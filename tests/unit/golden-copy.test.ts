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
  it.skipIf(!shared).each(['', 'layer'])(
    'every shared golden file in ./%s is copied byte for byte, and nothing else',
    (sub) => {
      const sharedDir = join(SHARED_GOLDEN_DIR, sub);
      const localDir = join(LOCAL_GOLDEN_DIR, sub);
      const names = readdirSync(sharedDir)
        .filter((f) => f.endsWith('.json'))
        .sort();
      expect(names.length).toBeGreaterThan(0);
      expect(
        readdirSync(localDir)
          .filter((f) => f.endsWith('.json'))
          .sort(),
      ).toEqual(names);
      for (const name of names)
        expect(readFileSync(join(localDir, name)), name).toEqual(readFileSync(join(sharedDir, name)));
    },
  );
});
