import { describe, expect, it } from 'vitest';
import { isKernelStudioError } from '#core/errors';
import { randomKernel, randomMatrix } from '#core/random';
import {
  allFinite,
  checkFinite,
  checkForward,
  checkSteps,
  checkTrainConfig,
  matrixFromRows,
} from '#core/validate';
import type { TrainConfig } from '#core/types';
import { LIMITS } from '#core/types';

function failure(f: () => unknown): { code: string; message: string } {
  try {
    f();
  } catch (e) {
    if (isKernelStudioError(e)) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error('expected a KernelStudioError');
}

describe('matrixFromRows', () => {
  it('builds a float32 row-major matrix', () => {
    const m = matrixFromRows(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      'The image X',
    );
    expect([m.rows, m.cols, Array.from(m.data)]).toEqual([2, 3, [1, 2, 3, 4, 5, 6]]);
  });

  it.each([
    ['not an array', 'abc', 'invalid-argument'],
    ['no rows', [], 'empty'],
    ['empty rows', [[]], 'empty'],
    ['a non-array row', [[1], 2], 'invalid-argument'],
    ['ragged rows', [[1, 2], [3]], 'ragged'],
    ['a string value', [[1, '2']], 'invalid-argument'],
    ['NaN', [[1, NaN]], 'non-finite'],
    ['Infinity', [[-Infinity]], 'non-finite'],
  ])('rejects %s', (_what, value, code) => {
    const f = failure(() => matrixFromRows(value, 'The image X'));
    expect(f.code).toBe(code);
    expect(f.message).toMatch(/^The image X/);
    expect(f.message).not.toContain('\n');
  });

  it('says where a ragged row is', () => {
    expect(failure(() => matrixFromRows([[1, 2], [3, 4], [5]], 'K')).message).toBe(
      'K row 3 has 1 values but row 1 has 2.',
    );
  });

  it('rejects sizes over the limit before reading values', () => {
    const tooMany = new Array(LIMITS.maxImageSide + 1).fill([0]);
    expect(failure(() => matrixFromRows(tooMany, 'X')).code).toBe('too-large');
  });
});

describe('forward and matrix checks', () => {
  it('explains a kernel that does not fit', () => {
    const f = failure(() => checkForward(randomMatrix(2, 5, 1), randomMatrix(3, 3, 2)));
    expect(f).toEqual({
      code: 'kernel-too-large',
      message: 'Kernel K is 3×3 but the image X is only 2×5: the kernel must fit inside the image.',
    });
  });

  it('accepts the documented limits: a 4096² image and a 31×31 kernel', () => {
    expect(() => checkForward(randomMatrix(4096, 4096, 1), randomMatrix(31, 31, 2))).not.toThrow();
    expect(failure(() => checkForward(randomMatrix(40, 40, 1), randomMatrix(32, 3, 2))).code).toBe(
      'too-large',
    );
  });

  it('points at the first non-finite value', () => {
    const m = randomMatrix(3, 4, 1);
    m.data[6] = NaN;
    expect(failure(() => checkFinite(m, 'The image X')).message).toBe(
      'The image X at row 2, column 3 is NaN: values must be finite.',
    );
  });

  it('rejects a shape that does not match the data', () => {
    expect(
      failure(() => checkForward({ rows: 2, cols: 2, data: new Float32Array(5) }, randomMatrix(1, 1, 1)))
        .code,
    ).toBe('invalid-argument');
  });
});

describe('checkTrainConfig', () => {
  const good: TrainConfig = {
    x: randomMatrix(6, 8, 1),
    y: randomMatrix(6, 7, 2),
    mode: 'correlate',
    activation: 'none',
    useBias: false,
    loss: 'sum',
    optimizer: { kind: 'sgd', lr: 0.03 },
    initWeight: randomKernel(1, 2, 3),
    initBias: 0,
  };

  it('accepts the d2l setup', () => expect(() => checkTrainConfig(good)).not.toThrow());

  it('rejects a target of the wrong shape, saying the right one', () => {
    const f = failure(() => checkTrainConfig({ ...good, y: randomMatrix(6, 8, 2) }));
    expect(f.code).toBe('invalid-argument');
    expect(f.message).toContain('gives 6×7');
  });

  it.each([
    ['lr 0', { kind: 'sgd', lr: 0 }],
    ['negative lr', { kind: 'sgd', lr: -1 }],
    ['infinite lr', { kind: 'sgd', lr: Infinity }],
    ['momentum 1', { kind: 'momentum', lr: 0.1, momentum: 1 }],
    ['beta2 -0.1', { kind: 'adam', lr: 0.1, beta2: -0.1 }],
    ['eps 0', { kind: 'adam', lr: 0.1, eps: 0 }],
    ['unknown optimizer', { kind: 'lbfgs', lr: 0.1 }],
  ])('rejects %s', (_what, optimizer) => {
    expect(failure(() => checkTrainConfig({ ...good, optimizer } as unknown as TrainConfig)).code).toBe(
      'invalid-argument',
    );
  });

  it('rejects an unknown mode, activation or loss', () => {
    expect(failure(() => checkTrainConfig({ ...good, mode: 'x' } as unknown as TrainConfig)).code).toBe(
      'invalid-argument',
    );
    expect(
      failure(() => checkTrainConfig({ ...good, activation: 'tanh' } as unknown as TrainConfig)).code,
    ).toBe('invalid-argument');
    expect(failure(() => checkTrainConfig({ ...good, loss: 'l1' } as unknown as TrainConfig)).code).toBe(
      'invalid-argument',
    );
  });

  it('rejects a non-finite initial bias', () => {
    expect(failure(() => checkTrainConfig({ ...good, initBias: NaN })).code).toBe('non-finite');
  });

  it('rejects step counts that are not whole and ≥ 0', () => {
    expect(() => checkSteps(0)).not.toThrow();
    expect(failure(() => checkSteps(-2)).code).toBe('invalid-argument');
  });
});

describe('allFinite', () => {
  it('is true for finite values (±0 included) and false for each NaN or ±Infinity anywhere', () => {
    const d = Float32Array.from({ length: 1001 }, (_, i) => (i % 7) - 3 - 0);
    d[5] = -0;
    expect(allFinite(d)).toBe(true);
    expect(allFinite(new Float32Array(0))).toBe(true);
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])
      for (const at of [0, 500, 1000]) {
        const e = d.slice();
        e[at] = bad;
        expect(allFinite(e)).toBe(false);
      }
  });
});
