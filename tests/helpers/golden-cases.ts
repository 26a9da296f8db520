/**
 * The PyTorch golden cases' shape, and what every suite derives from them. No Node or DOM
 * imports: the Node suites read the files with node:fs (golden.ts), the browser suites
 * import them as JSON modules (tests/gpu/goldenCases.ts).
 */
import { fromRows } from '#core/matrix';
import type { TrainConfig } from '#core/types';

export interface Tolerance {
  rtol: number;
  atol: number;
}
export interface ForwardCase {
  name: string;
  about: string;
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
  about: string;
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

/** The golden train case as the config every backend takes (plain SGD, as in d2l). */
export function configFromCase(c: TrainCase): TrainConfig {
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

/** |actual − expected| ≤ atol + rtol·|expected|, as numpy.allclose. */
export function close(actual: number, expected: number, tol: Tolerance): boolean {
  return Math.abs(actual - expected) <= tol.atol + tol.rtol * Math.abs(expected);
}
