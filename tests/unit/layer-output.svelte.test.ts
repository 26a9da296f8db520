import { describe, expect, it } from 'vitest';
import { createCpuBackend } from '#core/cpu/index';
import { toRows, zeros } from '#core/matrix';
import { channel } from '#core/tensor';
import { layerDocumentOf } from '../helpers/layer-documents';
import { COMPUTE_BUDGET } from '#core/bounds';
import { LayerOutput, layerShape } from '../../renderer/src/lib/explore/layer-output.svelte';

/** d2l's 2-channel example: X 2×3×3, K 1×2×2×2. */
const d2l = layerDocumentOf('twoChannels');

describe('LayerOutput: the full layer live in Explore', () => {
  it("computes every output channel through the backend (d2l's [[56, 72], [104, 120]])", async () => {
    const out = new LayerOutput();
    await out.request(createCpuBackend(), d2l);
    expect(out.error).toBeNull();
    expect(out.y && toRows(channel(out.y, 0))).toEqual([
      [56, 72],
      [104, 120],
    ]);
  });

  it('padding and stride reach the engine; a kernel that does not fit gives the one-line reason and no Y', async () => {
    const out = new LayerOutput();
    await out.request(createCpuBackend(), { ...d2l, padding: [1, 1], stride: [2, 2] });
    expect(out.y && [out.y.rows, out.y.cols]).toEqual([2, 2]);
    const tooBig = { ...d2l, dilation: [4, 4] as const };
    expect(layerShape(tooBig).error).toMatch(/kernel must fit inside the padded image/);
    await out.request(createCpuBackend(), tooBig);
    expect(out.y).toBeNull();
    expect(out.error).toMatch(/Kernel K is 2×2 \(5×5 with dilation 4\) but the image X is only 3×3/);
  });

  it('refuses, before any work, a layer whose pass is over the live budget, and says why', async () => {
    // 64 channels of 64×64 and 64×64 kernels of 31×31: 64·64·34·34·961 ≈ 4.6e9 multiply-adds.
    const heavy = {
      ...d2l,
      channels: Array.from({ length: 64 }, () => zeros(64, 64)),
      kernels: Array.from({ length: 64 }, () => Array.from({ length: 64 }, () => zeros(31, 31))),
      biases: Array.from({ length: 64 }, () => 0),
    };
    expect(64 * 64 * 34 * 34 * 961).toBeGreaterThan(COMPUTE_BUDGET);
    const backend = createCpuBackend();
    let passes = 0;
    const forward = backend.forwardLayer.bind(backend);
    backend.forwardLayer = (...args) => {
      passes++;
      return forward(...args);
    };
    const out = new LayerOutput();
    await out.request(backend, d2l);
    expect(passes).toBe(1);
    await out.request(backend, heavy);
    expect(passes).toBe(1);
    expect(out.y).toBeNull();
    expect(out.error).toMatch(
      /4\.6e\+9 multiply-adds \(O × C × Ho × Wo × kh × kw = 64 × 64 × 34 × 34 × 31 × 31\)/,
    );
    expect(out.error).toMatch(/over the budget of 2e\+9 per pass/);
    // Back under the budget, Y comes back.
    await out.request(backend, d2l);
    expect(passes).toBe(2);
    expect(out.error).toBeNull();
  });

  it('the newest request wins when an older one finishes later', async () => {
    const out = new LayerOutput();
    const slow = createCpuBackend();
    const forward = slow.forwardLayer.bind(slow);
    slow.forwardLayer = async (...args) => {
      await new Promise((r) => setTimeout(r, 30));
      return forward(...args);
    };
    const first = out.request(slow, d2l);
    await out.request(createCpuBackend(), { ...d2l, biases: [1] });
    await first;
    expect(out.y && toRows(channel(out.y, 0))).toEqual([
      [57, 73],
      [105, 121],
    ]);
  });

  it('runs one pass at a time: edits in quick succession compute the first and the newest only', async () => {
    const out = new LayerOutput();
    const backend = createCpuBackend();
    const forward = backend.forwardLayer.bind(backend);
    let calls = 0;
    let running = 0;
    let most = 0;
    backend.forwardLayer = async (...args) => {
      calls++;
      most = Math.max(most, ++running);
      await new Promise((r) => setTimeout(r, 10));
      running--;
      return forward(...args);
    };
    await Promise.all([1, 2, 3, 4, 5].map((b) => out.request(backend, { ...d2l, biases: [b] })));
    expect(most).toBe(1);
    expect(calls).toBe(2);
    expect(out.y && toRows(channel(out.y, 0))).toEqual([
      [61, 77],
      [109, 125],
    ]);
  });

  it('edits reuse the array of a Y no longer shown (no new Y per edit), never the one shown', async () => {
    const out = new LayerOutput();
    const backend = createCpuBackend();
    const shown: Float32Array[] = [];
    const expected = (b: number) => [
      [56 + b, 72 + b],
      [104 + b, 120 + b],
    ];
    for (const b of [1, 2, 3, 4]) {
      const before = out.y && Float32Array.from(out.y.data);
      await out.request(backend, { ...d2l, biases: [b] });
      expect(out.y && toRows(channel(out.y, 0))).toEqual(expected(b));
      shown.push(out.y!.data);
      // The Y shown until now was not written by this pass.
      if (before) expect(shown.at(-2)).toEqual(before);
    }
    // Two arrays in turn: the third pass wrote into the first's array, the fourth into the second's.
    expect(shown[2]).toBe(shown[0]);
    expect(shown[3]).toBe(shown[1]);
    expect(shown[1]).not.toBe(shown[0]);
    // Another shape: a new array of its size, correct.
    await out.request(backend, { ...d2l, padding: [1, 1] });
    expect(out.y && [out.y.rows, out.y.cols, out.y.data.length]).toEqual([4, 4, 16]);
  });
});
