/**
 * The PyTorch golden cases, imported as JSON modules: tests/helpers/golden.ts reads them
 * with node:fs, which a browser test cannot import (not even for its types under
 * tsconfig.web.json), so the shapes are restated here.
 */
import type { Matrix } from '../../core/matrix';
import { fromRows } from '../../core/matrix';
import type { TrainConfig } from '../../core/types';

export interface Tolerance {
  rtol: number;
  atol: number;
}
export interface ForwardCase {
  name: string;
  op: 'forward';
  x: number[][];
  k: number[][];
  mode: 'correlate' | 'convolve';
  bias: number;
  activation: 'none' | 'relu';
  expected: { y: number[][] };
  tolerance: Tolerance;
}
export interface TrainCase {
  name: string;
  op: 'train';
  x: number[][];
  y: number[][];
  kernel_shape: [number, number];
  mode: 'correlate' | 'convolve';
  use_bias: boolean;
  activation: 'none' | 'relu';
  loss: 'sum' | 'mean';
  init: { weight: number[][]; bias: number };
  lr: number;
  steps: number;
  expected: { loss: number[]; weight: number[][]; bias: number };
  tolerance: Tolerance;
}
export type GoldenCase = ForwardCase | TrainCase;

const modules = import.meta.glob<{ default: GoldenCase }>('../golden/*.json', { eager: true });
export const goldenCases: GoldenCase[] = Object.keys(modules)
  .sort()
  .map((path) => modules[path].default);

export const forwardCases = goldenCases.filter((c): c is ForwardCase => c.op === 'forward');
export const trainCases = goldenCases.filter((c): c is TrainCase => c.op === 'train');

export function trainConfigOf(c: TrainCase): TrainConfig {
  return {
    x: fromRows(c.x),
    y: fromRows(c.y),
    mode: c.mode,
    activation: c.activation,
    useBias: c.use_bias,
    loss: c.loss,
    optimizer: { kind: 'sgd', lr: c.lr },
    initWeight: fromRows(c.init.weight),
    initBias: c.init.bias,
  };
}

/** |actual − expected| ≤ atol + rtol·|expected| everywhere, else the first mismatch. */
export function firstMismatch(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol: Tolerance,
): string | null {
  if (actual.length !== expected.length) return `length ${actual.length} ≠ ${expected.length}`;
  for (let i = 0; i < expected.length; i++) {
    if (!(Math.abs(actual[i] - expected[i]) <= tol.atol + tol.rtol * Math.abs(expected[i])))
      return `[${i}]: ${actual[i]} ≠ ${expected[i]}`;
  }
  return null;
}

export function flat(m: Matrix | number[][]): number[] {
  return Array.isArray(m) ? m.flat() : Array.from(m.data);
}
