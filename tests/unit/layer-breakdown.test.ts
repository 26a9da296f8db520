/** The written-out sum behind one output cell of a layer: padding, stride, dilation and the sum over channels. */
import { describe, expect, it } from 'vitest';
import { breakdown, layerBreakdown, type BreakdownLayer } from '#core/im2col';
import { windowTaps } from '#core/layer';
import { forwardLayerCpu } from '#core/cpu/index';
import { fromRows } from '#core/matrix';
import { stackChannels, stackKernels } from '#core/layer-stack';

const x1 = fromRows([
  [0, 1, 2],
  [3, 4, 5],
  [6, 7, 8],
]);
const x2 = fromRows([
  [1, 2, 3],
  [4, 5, 6],
  [7, 8, 9],
]);
const k1 = fromRows([
  [0, 1],
  [2, 3],
]);
const k2 = fromRows([
  [1, 2],
  [3, 4],
]);
const plain = { stride: [1, 1], padding: [0, 0], dilation: [1, 1] } as const;

function layer(over: Partial<BreakdownLayer> = {}): BreakdownLayer {
  return {
    channels: [x1, x2],
    kernels: [k1, k2],
    bias: 0,
    geometry: plain,
    mode: 'correlate',
    activation: 'none',
    ...over,
  };
}

describe('windowTaps', () => {
  it('places tap (i, j) at row·s − p + i·d, col·s − p + j·d', () => {
    const taps = windowTaps({ kernel: [2, 2], stride: [2, 3], padding: [1, 0], dilation: [2, 1] }, 1, 1);
    expect(taps).toEqual([
      { rows: 1, cols: 3 },
      { rows: 1, cols: 4 },
      { rows: 3, cols: 3 },
      { rows: 3, cols: 4 },
    ]);
  });
});

describe('layerBreakdown', () => {
  it("writes out d2l's two-channel sum, channel by channel, then over channels: 19 + 37 = 56", () => {
    const b = layerBreakdown(layer(), 0, 0);
    expect(b.text).toBe('X1: 0×0 + 1×1 + 3×2 + 4×3 = 19; X2: 1×1 + 2×2 + 4×3 + 5×4 = 37; 19 + 37 = 56');
    expect(b.value).toBe(56);
    expect(layerBreakdown(layer(), 1, 1).value).toBe(120);
  });

  it('reads zero in the padding, jumps by the stride and spreads the taps by the dilation, as the engine does', () => {
    const geometry = { stride: [2, 1], padding: [1, 1], dilation: [1, 2] } as const;
    const l = layer({ geometry, bias: 0.5, activation: 'relu', mode: 'convolve' });
    const y = forwardLayerCpu(stackChannels(l.channels), stackKernels([l.kernels]), [0.5], {
      inChannels: 2,
      outChannels: 1,
      kernel: [2, 2],
      ...geometry,
      mode: 'convolve',
      activation: 'relu',
    });
    for (let r = 0; r < y.rows; r++)
      for (let c = 0; c < y.cols; c++)
        expect(layerBreakdown(l, r, c).value).toBeCloseTo(y.data[r * y.cols + c], 4);
    // Cell (0, 0): row −1 is padding; the columns are −1 (padding) and 1 (the dilated tap).
    const cell = layerBreakdown(l, 0, 0);
    expect(cell.terms.map((t) => t.x)).toEqual([0, 0, 0, 1, 0, 0, 0, 2]);
    // A padding tap is written `pad`, not as a zero of X (issue 22, small items).
    expect(cell.terms.map((t) => t.pad === true)).toEqual([true, true, true, false, true, true, true, false]);
    expect(cell.channels[0].terms.length).toBe(4);
    expect(cell.text.startsWith('X1: pad×')).toBe(true);
  });

  it('one channel writes the single-channel sum as before, bias and ReLU included', () => {
    const b = breakdown(x1, k1, 0, 0, { mode: 'correlate', bias: -20, activation: 'relu' });
    expect(b.text).toBe('0×0 + 1×1 + 3×2 + 4×3 = 19; 19 + b (-20) = -1; relu(-1) = 0');
  });
});
