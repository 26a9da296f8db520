import { describe, expect, it } from 'vitest';
import { BOUNDS, formatBoundEnd, parseBounded, withinBound } from '#core/bounds';
import { fromRows } from '#core/matrix';
import { checkTrainConfig } from '#core/validate';
import { parseWorkspace, serializeWorkspace } from '#core/workspace/index';
import { sampleDocument } from './workspace-samples';

describe('one numeric-bounds table for the UI, the validator and the workspace schema', () => {
  it('refuses what people mistype instead of turning it into 0 or Infinity', () => {
    for (const text of ['1e999', '--5', '1.2.3', '', ' ', '0x10', '5-', 'Infinity', 'NaN'])
      expect(parseBounded(text, BOUNDS.value), text).toBeNull();
    expect(parseBounded('-3', BOUNDS.imageSide)).toBeNull();
    expect(parseBounded('2.5', BOUNDS.imageSide)).toBeNull();
    expect(parseBounded(' 2.5e-1 ', BOUNDS.value)).toBe(0.25);
    expect(parseBounded('.5', BOUNDS.value)).toBe(0.5);
    expect(parseBounded('1e7', BOUNDS.lr)).toBeNull();
    expect(parseBounded('1e6', BOUNDS.lr)).toBe(1e6);
  });

  it('every end of every training bound saves, reopens and validates', () => {
    const doc = sampleDocument();
    for (const end of ['min', 'max'] as const) {
      const training = {
        ...doc.training,
        lr: BOUNDS.lr[end],
        steps: BOUNDS.steps[end],
        logEvery: BOUNDS.logEvery[end],
        seed: BOUNDS.seed[end],
        initBias: BOUNDS.bias[end],
        targetBias: BOUNDS.bias[end],
      };
      const text = serializeWorkspace({ ...doc, biases: [BOUNDS.bias[end]], training }, 'test');
      expect(parseWorkspace(text, 'ends.kstudio').training).toEqual(training);
      const config = {
        x: fromRows([[1, 2, 3]]),
        y: fromRows([[0, 0]]),
        mode: 'correlate' as const,
        activation: 'none' as const,
        useBias: false,
        loss: 'sum' as const,
        optimizer: { kind: 'sgd' as const, lr: BOUNDS.lr[end] },
        initWeight: fromRows([[0, 0]]),
        initBias: 0,
      };
      expect(() => checkTrainConfig(config)).not.toThrow();
    }
  });

  it('just past an end, the schema and the validator refuse it too', () => {
    const doc = sampleDocument();
    const text = serializeWorkspace({ ...doc, training: { ...doc.training, lr: 1e7 } }, 'test');
    expect(() => parseWorkspace(text, 'big-lr.kstudio')).toThrow(/big-lr\.kstudio: document\.training\.lr/);
    expect(withinBound(1e7, BOUNDS.lr)).toBe(false);
    expect(formatBoundEnd(BOUNDS.lr.max)).toBe('1e6');
    expect(formatBoundEnd(BOUNDS.lr.min)).toBe('1e-12');
    expect(formatBoundEnd(BOUNDS.kernelSide.max)).toBe('31');
  });
});
