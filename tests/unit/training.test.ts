import { afterEach, describe, expect, it, vi } from 'vitest';
import { fromRows, toRows } from '#core/matrix';
import type { LossBatch } from '../../ipc/contract';
import { kernelText, parseKernelText } from '../../renderer/src/lib/train/settings';
import { LossBatcher, mergePoints, newRunId } from '../../renderer/src/state/loss-stream';
import { DEFAULT_TRAINING } from '../../renderer/src/state/studio.svelte';
import { tensorOfMatrix } from '#core/tensor';
import { cropTarget, initialWeight } from '#core/train/setup';
import { en, type MessageKey } from '../../renderer/src/i18n/en';
import { formatMessage } from '../../renderer/src/i18n/format';
import { zh } from '../../renderer/src/i18n/zh';
import { englishRunNamer, nextRunNumber, runGoal, runLabel } from '../../renderer/src/state/training-setup';

afterEach(() => vi.useRealTimers());

describe('LossBatcher', () => {
  it('sends one message per interval, not one per step, in order', async () => {
    vi.useFakeTimers();
    const sent: LossBatch[] = [];
    const batcher = new LossBatcher(async (b) => void sent.push(b), 100);
    for (let step = 1; step <= 50; step++) batcher.add('run-1', [{ step, loss: 1 / step }]);
    expect(sent).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(100);
    expect(sent).toHaveLength(1);
    expect(sent[0].points.map((p) => p.step)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    batcher.add('run-1', [{ step: 51, loss: 0 }]);
    await batcher.flush();
    expect(sent).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(500);
    expect(sent).toHaveLength(2);
  });

  it('keeps runs apart and reports send failures without losing later batches', async () => {
    const errors: unknown[] = [];
    const sent: string[] = [];
    let fail = true;
    const batcher = new LossBatcher(
      async (b) => {
        if (fail) {
          fail = false;
          throw new Error('offline');
        }
        sent.push(b.runId);
      },
      100,
      (e) => errors.push(e),
    );
    batcher.add('a', [{ step: 1, loss: 1 }]);
    batcher.add('b', [{ step: 1, loss: 2 }]);
    await batcher.flush();
    expect(errors).toHaveLength(1);
    expect(sent).toEqual(['b']);
  });
});

describe('run ids and saved runs', () => {
  it('makes distinct ids in main’s alphabet', () => {
    const a = newRunId(1000);
    const b = newRunId(1000);
    expect(a).not.toBe(b);
    for (const id of [a, b]) expect(id).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
  });

  it('merges points without duplicating steps a restore already has', () => {
    const merged = mergePoints(
      [1, 2],
      [5, 4],
      [
        { step: 2, loss: 4 },
        { step: 3, loss: 3 },
      ],
    );
    expect(merged).toEqual({ steps: [1, 2, 3], losses: [5, 4, 3] });
  });
});

describe('training setup', () => {
  it('crops Y to the output size of a kernel of another shape', () => {
    const y = tensorOfMatrix(
      fromRows([
        [1, 2, 3],
        [4, 5, 6],
      ]),
    );
    expect(Array.from(cropTarget(y, 1, 2).data)).toEqual([1, 2]);
    const two = { channels: 2, rows: 2, cols: 2, data: Float32Array.of(1, 2, 3, 4, 5, 6, 7, 8) };
    expect(Array.from(cropTarget(two, 1, 1).data)).toEqual([1, 5]);
    expect(cropTarget(y, 2, 3)).toBe(y);
    expect(() => cropTarget(y, 3, 3)).toThrow(/smaller/);
  });

  it('initialises the kernel from the settings', () => {
    const seeded = initialWeight(DEFAULT_TRAINING);
    expect([seeded.rows, seeded.cols]).toEqual([1, 2]);
    expect(initialWeight(DEFAULT_TRAINING).data).toEqual(seeded.data);
    expect(Array.from(initialWeight({ ...DEFAULT_TRAINING, init: 'zeros' }).data)).toEqual([0, 0]);
    const explicit = fromRows([[0.3, 0.2]]);
    const given = { ...DEFAULT_TRAINING, init: 'explicit' as const, initWeight: explicit };
    expect(initialWeight(given).data).toBe(explicit.data);
    // A layer: O×C×kh×kw, PyTorch's bound 1/√(C·kh·kw); given values start only one kernel.
    const layer = initialWeight(DEFAULT_TRAINING, 3, 2);
    expect([layer.outChannels, layer.inChannels, layer.rows, layer.cols]).toEqual([2, 3, 1, 2]);
    expect(Math.max(...Array.from(layer.data, Math.abs))).toBeLessThanOrEqual(1 / Math.sqrt(6));
    expect(() => initialWeight(given, 3, 2)).toThrow(/2×3 kernels/);
  });

  it('names each run from its facts, in the current UI language', () => {
    const zhT = (key: MessageKey, params?: Record<string, string | number>) => formatMessage(zh[key], params);
    const enT = (key: MessageKey, params?: Record<string, string | number>) => formatMessage(en[key], params);
    const facts = { number: 3, mode: 'correlate', outChannels: 1, inChannels: 1, backend: 'CPU' } as const;
    const run = { label: 'whatever it was saved as', settings: DEFAULT_TRAINING, facts };
    expect(runLabel(enT, run)).toBe('Run 3 · lr 0.03 · sgd · sum · 1×2 · seed 0');
    expect(englishRunNamer(run)).toBe(runLabel(enT, run));
    // The same run in 中文: nothing of the English name is kept.
    expect(runLabel(zhT, run)).toBe('运行 3 · 学习率 0.03 · SGD · 平方和 · 1×2 · 种子 0');
    const adam = {
      ...DEFAULT_TRAINING,
      optimizer: 'adam',
      loss: 'mean',
      init: 'zeros',
      useBias: true,
    } as const;
    const layer = { ...facts, number: 1, mode: 'convolve', outChannels: 2, inChannels: 3 } as const;
    expect(runLabel(zhT, { label: '', settings: adam, facts: layer })).toBe(
      '运行 1 · 学习率 0.03 · Adam · 均方 · 2×3×1×2+b · 全零 · 卷积',
    );
    expect(runLabel(enT, { label: '', settings: adam, facts: layer })).toBe(
      'Run 1 · lr 0.03 · adam · mean · 2×3×1×2+b · zeros · convolve',
    );
    // A run saved before facts were kept shows the name it was saved with.
    expect(runLabel(enT, { label: '运行 2 · 学习率 0.03', settings: DEFAULT_TRAINING })).toBe(
      '运行 2 · 学习率 0.03',
    );
  });

  it('numbers runs one past the highest number of their facts, never from their names', () => {
    const numbered = (number: number) => ({
      facts: { number, mode: 'correlate', outChannels: 1, inChannels: 1, backend: 'CPU' } as const,
    });
    expect(nextRunNumber([])).toBe(1);
    expect(nextRunNumber([numbered(2), numbered(7), numbered(5)])).toBe(8);
    // Runs saved before facts were kept count one number each.
    expect(nextRunNumber([{}, {}])).toBe(3);
    expect(nextRunNumber([{}, numbered(10)])).toBe(11);
    // The workspace's highest number given counts too: removed runs keep their numbers.
    expect(nextRunNumber([], 4)).toBe(5);
    expect(nextRunNumber([numbered(2)], 4)).toBe(5);
    expect(nextRunNumber([numbered(9)], 4)).toBe(10);
  });

  it('parses kernel text and form numbers', () => {
    const m = parseKernelText('0.3 0.2; 1, -1');
    expect(typeof m).toBe('object');
    if (typeof m !== 'string')
      expect(toRows(m).map((r) => r.map((v) => +v.toFixed(6)))).toEqual([
        [0.3, 0.2],
        [1, -1],
      ]);
    expect(parseKernelText('1 2; 3')).toMatch(/same number/);
    expect(parseKernelText('1 x')).toMatch(/finite/);
    expect(parseKernelText(' ')).toMatch(/at least/);
    expect(kernelText(fromRows([[0.3, 0.2]]))).toBe('0.3 0.2');
  });
});

describe('run goal', () => {
  it('runs `steps` from the start, and `steps` more from where the run stands', () => {
    expect(runGoal(0, 10)).toBe(10);
    expect(runGoal(4, 10)).toBe(10);
    expect(runGoal(10, 10)).toBe(20);
    expect(runGoal(13, 10)).toBe(23);
  });
});
