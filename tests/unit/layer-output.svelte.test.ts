import { describe, expect, it } from 'vitest';
import { createCpuBackend } from '#core/cpu/index';
import { toRows } from '#core/matrix';
import { channel } from '#core/tensor';
import { layerDocumentOf } from '../helpers/layer-documents';
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
});
