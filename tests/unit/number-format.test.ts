import { describe, expect, it } from 'vitest';
import { axisTicks, compactTick, formatLoss } from '../../renderer/src/lib/train/number-format';

describe('the loss chart writes numbers compactly at any magnitude', () => {
  it('axis ticks', () => {
    const cases: [number, string][] = [
      [0, '0'],
      [0.25, '0.25'],
      [1, '1'],
      [120, '120'],
      [5400, '5.4k'],
      [5.4e6, '5.4M'],
      [1.25e9, '1.25G'],
      [1e26, '1e26'],
      [5.4e26, '5.4e26'],
      [-2e13, '-2e13'],
      [5e-7, '5e-7'],
      [0.001, '0.001'],
    ];
    for (const [v, text] of cases) expect(compactTick(v), String(v)).toBe(text);
    for (let e = -30; e <= 30; e++)
      expect(compactTick(7.77 * 10 ** e).length, `7.77e${e}`).toBeLessThanOrEqual(7);
  });

  it('one axis, one style: a log axis from 100 to 1e16 is 1e2 … 1e16, not "100, 1G, 1e16"', () => {
    expect(axisTicks([100, 1e9, 1e16])).toEqual(['1e2', '1e9', '1e16']);
    expect(axisTicks([0, 5e25, 1e26, null])).toEqual(['0', '5e25', '1e26', null]);
    expect(axisTicks([0, 2500, 5000])).toEqual(['0', '2.5k', '5k']);
    expect(axisTicks([0.001, 0.01, 0.1, 1])).toEqual(['0.001', '0.01', '0.1', '1']);
    expect(axisTicks([1e-4, 1e-2, 1])).toEqual(['1e-4', '1e-2', '1e0']);
  });

  it('losses in the log and readout: one format, 5 significant digits', () => {
    expect(formatLoss(3.7)).toBe('3.7000');
    expect(formatLoss(0.123456)).toBe('0.12346');
    expect(formatLoss(603.12345)).toBe('603.12');
    expect(formatLoss(5.4e26)).toBe('5.4000e+26');
    expect(formatLoss(Infinity)).toBe('Infinity');
  });
});
