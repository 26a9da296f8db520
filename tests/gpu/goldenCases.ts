/** The PyTorch golden cases, imported as JSON modules (a browser test cannot use node:fs). */
import type { Matrix } from '#core/matrix';
import {
  close,
  type ForwardCase,
  type GoldenCase,
  type Tolerance,
  type TrainCase,
} from '../helpers/golden-cases';

export type { ForwardCase, GoldenCase, Tolerance, TrainCase } from '../helpers/golden-cases';
export { configFromCase as trainConfigOf } from '../helpers/golden-cases';

const modules = import.meta.glob<{ default: GoldenCase }>('../golden/*.json', { eager: true });
export const goldenCases: GoldenCase[] = Object.keys(modules)
  .sort()
  .map((path) => modules[path].default);

export const forwardCases = goldenCases.filter((c): c is ForwardCase => c.op === 'forward');
export const trainCases = goldenCases.filter((c): c is TrainCase => c.op === 'train');

/** |actual − expected| ≤ atol + rtol·|expected| everywhere, else the first mismatch. */
export function firstMismatch(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol: Tolerance,
): string | null {
  if (actual.length !== expected.length) return `length ${actual.length} ≠ ${expected.length}`;
  for (let i = 0; i < expected.length; i++) {
    if (!close(actual[i], expected[i], tol)) return `[${i}]: ${actual[i]} ≠ ${expected[i]}`;
  }
  return null;
}

export function flat(m: Matrix | number[][]): number[] {
  return Array.isArray(m) ? m.flat() : Array.from(m.data);
}
