import { describe, expect, it } from 'vitest';
import {
  checkCost,
  checkDiagonal,
  checkSecondDerivative,
  checkShape,
  checkZeroOnTransposed,
  COST_EXERCISES,
  DIAGONAL_ANSWERS,
  parseCount,
  parseShape,
  SHAPE_EXERCISES,
  type DiagonalQuestion,
} from '#core/lesson-checks';
import { outputLengthText } from '#core/layer';
import { fromRows, transpose } from '#core/matrix';
import { edgeImage } from '#core/presets';

const shapeEx = (id: string) => SHAPE_EXERCISES.find((e) => e.id === id)!;
const costEx = (id: string) => COST_EXERCISES.find((e) => e.id === id)!;

describe('7.2: diagonal edges', () => {
  // Worked by hand: X is 1 on and above the diagonal. K = [1, −1] gives X[r][c] − X[r][c+1]: −1 where
  // c + 1 = r (0 then 1). Xᵀ is 1 on and below: 1 − 0 = +1 on the diagonal. Kᵀ gives X[r][c] − X[r+1][c]: +1 on the diagonal.
  const right: Record<DiagonalQuestion, string> = {
    diagonal: 'minus',
    diagonalTransposeX: 'plus',
    diagonalTransposeK: 'plus',
  };
  it.each(Object.entries(right))('%s: only %s is accepted', (id, answer) => {
    for (const a of DIAGONAL_ANSWERS) expect(checkDiagonal(id as DiagonalQuestion, a), a).toBe(a === answer);
  });
});

describe('7.2: a kernel that makes Y all zeros on the transposed image', () => {
  const xt = transpose(edgeImage());
  it('accepts kernels that see no horizontal edge', () => {
    expect(checkZeroOnTransposed(xt, fromRows([[1, 1, -2]]), 'correlate')).toBe('ok');
    expect(checkZeroOnTransposed(xt, fromRows([[2, -2]]), 'correlate')).toBe('ok');
    expect(checkZeroOnTransposed(xt, fromRows([[1, -1]]), 'convolve')).toBe('booksKernel');
  });
  it('refuses the rest, saying why', () => {
    expect(checkZeroOnTransposed(xt, fromRows([[1], [-1]]), 'correlate')).toBe('nonZero');
    expect(checkZeroOnTransposed(xt, fromRows([[1, 1]]), 'correlate')).toBe('nonZero');
    expect(checkZeroOnTransposed(xt, fromRows([[0, 0]]), 'correlate')).toBe('zeroKernel');
    expect(checkZeroOnTransposed(xt, fromRows([[1, -1]]), 'correlate')).toBe('booksKernel');
    expect(checkZeroOnTransposed(edgeImage(), fromRows([[1, 1, -2]]), 'correlate')).toBe(
      'notTransposedImage',
    );
    const tall = fromRows(Array.from({ length: 9 }, (_, i) => [i === 0 ? 1 : -1 / 8]));
    expect(checkZeroOnTransposed(xt, tall, 'correlate')).toBe('tooLarge');
  });
});

describe('7.2: a learned second derivative', () => {
  it('accepts [1, −2, 1] up to scale, in a row or a column', () => {
    expect(checkSecondDerivative(fromRows([[1, -2, 1]]))).toBe('ok');
    expect(checkSecondDerivative(fromRows([[0.99, -2.01, 1.0]]))).toBe('ok');
    expect(checkSecondDerivative(fromRows([[2], [-4], [2]]))).toBe('ok');
    expect(checkSecondDerivative(fromRows([[-0.5, 1, -0.5]]))).toBe('ok');
  });
  it('refuses the rest', () => {
    expect(checkSecondDerivative(null)).toBe('notLearned');
    expect(checkSecondDerivative(fromRows([[1, -1]]))).toBe('wrongSize');
    expect(checkSecondDerivative(fromRows([[1, -2, 1, 0]]))).toBe('wrongSize');
    expect(
      checkSecondDerivative(
        fromRows([
          [0, 1, 0],
          [1, -4, 1],
          [0, 1, 0],
        ]),
      ),
    ).toBe('wrongSize');
    expect(checkSecondDerivative(fromRows([[1, 2, 1]]))).toBe('notSecondDerivative');
    expect(checkSecondDerivative(fromRows([[1, -2, 1.2]]))).toBe('notSecondDerivative');
    expect(checkSecondDerivative(fromRows([[0, 0, 0]]))).toBe('notSecondDerivative');
    expect(checkSecondDerivative(fromRows([[1, -1, 0]]))).toBe('notSecondDerivative');
  });
});

describe('7.3: output shapes', () => {
  it('reads shapes as a learner types them', () => {
    for (const t of ['2×2', '2x2', '2 X 2', '(2, 2)', '[2,2]', ' 2 2 ', '2*2'])
      expect(parseShape(t), t).toEqual({ rows: 2, cols: 2 });
    for (const t of ['', '2', 'two by two', '2×2×2', '-2×2', '2.5×2']) expect(parseShape(t), t).toBeNull();
  });
  // Worked by hand with ⌊(n + 2p − d(k − 1) − 1) / s⌋ + 1.
  it.each([
    ['last', '2×2', ['3×2', '2×3', '3×3']],
    ['strideNoPad', '12×12', ['11×11', '24×24', '13×13']],
    ['dilated', '32×10', ['30×10', '32×9', '32×20']],
  ])('%s: %s is right, the others wrong', (id, right, wrong) => {
    expect(checkShape(shapeEx(id), right).ok).toBe(true);
    for (const w of wrong) expect(checkShape(shapeEx(id), w).ok, w).toBe(false);
    expect(checkShape(shapeEx(id), 'nonsense').ok).toBeNull();
  });
  it('shows why with the formula and the exercise’s numbers', () => {
    const { why } = checkShape(shapeEx('last'), '3×3');
    expect(outputLengthText(why[0])).toBe('⌊(8 + 2·0 − 1·(3 − 1) − 1) / 3⌋ + 1 = 2');
    expect(outputLengthText(why[1])).toBe('⌊(8 + 2·1 − 1·(5 − 1) − 1) / 4⌋ + 1 = 2');
  });
});

describe('7.4: the cost of a convolution', () => {
  it('reads counts with separators', () => {
    expect(parseCount('1,769,472')).toBe(1769472);
    expect(parseCount(' 1 769 472 ')).toBe(1769472);
    expect(parseCount('1.5')).toBeNull();
    expect(parseCount('')).toBeNull();
    expect(parseCount('-3')).toBeNull();
  });
  // By hand: O·Ho·Wo outputs, each C·kh·kw products.
  it.each([
    ['twoChannels', 1 * 2 * 2 * 2 * 2 * 2],
    ['firstLayer', 64 * 32 * 32 * 3 * 3 * 3],
    ['strided', 64 * 16 * 16 * 3 * 3 * 3],
  ] as const)('%s costs %i multiply-adds', (id, macs) => {
    expect(checkCost(costEx(id), String(macs))).toMatchObject({ ok: true, expected: macs });
    expect(checkCost(costEx(id), String(macs + 1)).ok).toBe(false);
    expect(checkCost(costEx(id), String(macs * 2)).ok).toBe(false);
    expect(checkCost(costEx(id), 'lots').ok).toBeNull();
  });
});
