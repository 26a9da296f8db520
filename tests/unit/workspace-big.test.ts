/**
 * A valid 4096² workspace opens in seconds (issue 12; it took 88.6 s in browser mode). Its own
 * file, so it runs in a fresh worker: the hostile cases beside it leave hundreds of MB behind.
 */
import { describe, expect, it } from 'vitest';
import { defaultDocument, parseWorkspace, serializeWorkspace } from '#core/workspace/index';

const SIDE = 4096;
const SECONDS_BUDGET = 20;

describe('a valid 4096² workspace', () => {
  it('opens in a few seconds (was 88.6 s in browser mode, 2.5 s in Node)', () => {
    const data = new Float32Array(SIDE * SIDE).map((_, i) => (i * 7) % 3);
    const text = serializeWorkspace({ ...defaultDocument(), channels: [{ rows: SIDE, cols: SIDE, data }] });
    const started = performance.now();
    const doc = parseWorkspace(text, 'big.kstudio');
    const ms = performance.now() - started;
    expect([doc.channels[0].rows, doc.channels[0].cols]).toEqual([SIDE, SIDE]);
    // Byte for byte, without a deep-equality walk (and its diff) over 16 M values.
    const got = doc.channels[0].data;
    expect(
      Buffer.compare(Buffer.from(got.buffer, got.byteOffset, got.byteLength), Buffer.from(data.buffer)),
    ).toBe(0);
    console.info(
      `valid 4096² workspace (${(text.length / 2 ** 20).toFixed(1)} MiB) opened in ${ms.toFixed(0)} ms`,
    );
    expect(ms).toBeLessThan(SECONDS_BUDGET * 1000);
  });
});
