/**
 * Random unit-stride layers for checking the WebAssembly programs against the float64
 * TypeScript step (tests/unit/wasm-layer.test.ts in Node, tests/gpu/cpuFma.test.ts in Chromium).
 */
import { expect } from 'vitest';
import { layerLossAndGradsCpu, layerStepBuffers, padTensor } from '#core/cpu/layer';
import type { ConvSpec } from '#core/layer';
import { convSpec, outputShape } from '#core/layer';
import { randomWeights } from '#core/random';
import type { Tensor3, Weights } from '#core/tensor';
import type { LossKind } from '#core/types';
import { wasmLayerLossAndGrads } from '#core/wasm/layer';
import { expectClose } from './numeric';

/** A C×H×W tensor of values in [-1, 1) from `rand`. */
export function randomTensor(rand: () => number, channels: number, rows: number, cols: number): Tensor3 {
  return {
    channels,
    rows,
    cols,
    data: Float32Array.from({ length: channels * rows * cols }, () => rand() * 2 - 1),
  };
}

export interface RandomLayer {
  readonly spec: ConvSpec;
  /** X as given, and padded by the spec's padding. */
  readonly x: Tensor3;
  readonly xp: Tensor3;
  readonly y: Tensor3;
  /** The weights as the programs take them (float64, unflipped: correlation) and as a layer's. */
  readonly w: Float64Array;
  readonly weights: Weights;
  readonly bias: number[];
}

/**
 * A layer of 1–5 × 1–5 kernels, 1–4 input and 1–`maxOut` output channels, padding 0–2,
 * dilation 1–`maxDilation`, ReLU or not, on an X of up to `maxSide` per side, with a random target Y.
 */
export function randomLayer(
  rand: () => number,
  seed: number,
  limits: { readonly maxOut: number; readonly maxDilation: number; readonly maxSide: number },
): RandomLayer {
  const pick = (lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo + 1));
  const [kh, kw] = [pick(1, 5), pick(1, 5)];
  const spec = convSpec({
    kernel: [kh, kw],
    inChannels: pick(1, 4),
    outChannels: pick(1, limits.maxOut),
    padding: [pick(0, 2), pick(0, 2)],
    dilation: [pick(1, limits.maxDilation), pick(1, limits.maxDilation)],
    activation: rand() < 0.5 ? 'relu' : 'none',
  });
  const x = randomTensor(rand, spec.inChannels, pick(kh * 3, limits.maxSide), pick(kw * 3, limits.maxSide));
  const out = outputShape(spec, x);
  const weights = randomWeights(spec.outChannels, spec.inChannels, kh, kw, seed);
  return {
    spec,
    x,
    xp: padTensor(x, spec.padding),
    y: randomTensor(rand, spec.outChannels, out.rows, out.cols),
    w: Float64Array.from(weights.data),
    weights,
    bias: Array.from({ length: spec.outChannels }, () => rand() - 0.5),
  };
}

/** One evaluation of the WebAssembly training program against the float64 step, normwise to `rtol`. */
export function expectProgramLikeReference(p: RandomLayer, loss: LossKind, rtol: number, what: string): void {
  const { spec, xp, y, w, bias } = p;
  const [gW, gB, rW, rB] = [w.length, spec.outChannels, w.length, spec.outChannels].map(
    (size) => new Float64Array(size),
  );
  const program = wasmLayerLossAndGrads(xp, y, spec);
  expect(program).not.toBeNull();
  const value = program!(w, bias, loss, gW, gB);
  const ref = layerLossAndGradsCpu(xp, y, w, bias, spec, loss, rW, rB, layerStepBuffers(spec, p.x));
  expectClose([value], [ref], rtol, `${what} loss`);
  expectClose(gW, rW, rtol, `${what} ∂L/∂W`);
  expectClose(gB, rB, rtol, `${what} ∂L/∂b`);
}
