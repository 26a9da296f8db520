/**
 * The full-layer golden cases (tests/golden/layer, from ../shared/golden/layer) and the core
 * values they stand for. No Node or DOM imports, so browser suites can share them.
 */
import type { ConvSpec, Pair } from '#core/layer';
import type { LayerTrainConfig } from '#core/layer-types';
import { specForWeights } from '#core/layer-types';
import type { NdArray, Tensor3, Weights } from '#core/tensor';
import { ndArrayFromNested, tensor3Of, weightsOf } from '#core/tensor';
import type { Activation, Mode, OptimizerKind } from '#core/types';
import type { Tolerance } from './golden-cases';

type Nested = number[] | Nested[];

interface LayerCaseBase {
  name: string;
  about: string;
  x: Nested;
  stride: [number, number];
  padding: [number, number];
  dilation: [number, number];
  mode: Mode;
  activation: Activation;
  tolerance: Tolerance;
}
export interface LayerForwardCase extends LayerCaseBase {
  op: 'forward';
  k: Nested;
  bias: number | number[];
  expected: { y: Nested };
}
export interface LayerTrainCase extends LayerCaseBase {
  op: 'train';
  y: Nested;
  kernel_shape: [number, number];
  out_channels: number;
  use_bias: boolean;
  loss: 'sum' | 'mean';
  init: { weight: Nested; bias: number | number[] };
  lr: number;
  steps: number;
  /** Absent means plain SGD (see the README); momentum 0.9 and Adam's betas are PyTorch's defaults. */
  optimizer?: OptimizerKind;
  expected: { loss: number[]; weight: Nested; bias: number | number[] };
}
export type LayerCase = LayerForwardCase | LayerTrainCase;

/** Weights and biases of a trained case must land within this of PyTorch's (see the README). */
export const PARAM_TOLERANCE: Tolerance = { rtol: 0, atol: 1e-4 };

export function nd(value: Nested): NdArray {
  return ndArrayFromNested(value, 'golden', 1e8);
}
export function xOf(c: LayerCase): Tensor3 {
  return tensor3Of(nd(c.x), `${c.name} x`);
}
export function biasList(b: number | number[]): Float32Array {
  return Float32Array.from(typeof b === 'number' ? [b] : b);
}
function pair(p: [number, number]): Pair {
  return [p[0], p[1]];
}

/** The case's layer as the core describes it. */
export function specOf(c: LayerCase, w: Weights): ConvSpec {
  return specForWeights(w, {
    stride: pair(c.stride),
    padding: pair(c.padding),
    dilation: pair(c.dilation),
    mode: c.mode,
    activation: c.activation,
  });
}

export function forwardInputs(c: LayerForwardCase): {
  x: Tensor3;
  w: Weights;
  bias: Float32Array;
  spec: ConvSpec;
} {
  const w = weightsOf(nd(c.k), `${c.name} k`);
  return { x: xOf(c), w, bias: biasList(c.bias), spec: specOf(c, w) };
}

/** The optimizer the case names (plain SGD when it names none), as PyTorch ran it. */
export function optimizerOf(c: LayerTrainCase): OptimizerKind {
  return c.optimizer ?? 'sgd';
}

/** The train case as a layer config, with the optimizer PyTorch ran. */
export function layerConfigFromCase(c: LayerTrainCase): LayerTrainConfig {
  const initWeight = weightsOf(nd(c.init.weight), `${c.name} init.weight`);
  return {
    spec: specOf(c, initWeight),
    x: xOf(c),
    y: tensor3Of(nd(c.y), `${c.name} y`),
    useBias: c.use_bias,
    loss: c.loss,
    optimizer: { kind: optimizerOf(c), lr: c.lr },
    initWeight,
    initBias: biasList(c.init.bias),
  };
}

export function flat(value: Nested | number): number[] {
  return typeof value === 'number' ? [value] : (value.flat(4) as number[]);
}
