/**
 * The WebAssembly SIMD training program (core/wasm) against its CPU reference
 * (`lossAndGradsCpu`, core/cpu/step.ts), the golden trajectories through both, and the
 * binary writer it is built with.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { forwardCpu } from '#core/cpu/forward';
import { ParamRun } from '#core/cpu/param-run';
import { createStepBuffers, lossAndGradsCpu } from '#core/cpu/step';
import type { CpuKernels } from '#core/cpu/trainer';
import { singleChannelEvaluate } from '#core/cpu/trainer';
import { randomKernel, randomMatrix } from '#core/random';
import { initialParams } from '#core/train/resume';
import { Code, moduleBytes, wasmSimdSupported } from '#core/wasm/emit';
import { webAssembly } from '#core/wasm/runtime';
import { BLOCK, trainStepKey, trainStepLayout } from '#core/wasm/train-step-program';
import { wasmLossAndGrads } from '#core/wasm/train-step';
import { expectAllClose } from '../helpers/golden';
import { configFromCase, trainCases } from './compute-fixtures';

/** Only the summation order differs from the reference (both float64 on the same float32 inputs). */
const TOL = { rtol: 1e-12, atol: 1e-13 };

describe('WebAssembly training program vs the CPU reference', () => {
  it('runs here: Node has WebAssembly SIMD', () => {
    expect(wasmSimdSupported()).toBe(true);
  });

  // Output widths below, at and around the block, kernels from 1×1 to the side limit's neighbourhood.
  const shapes: [number, number, number, number][] = [
    [1, 1, 1, 1],
    [6, 8, 1, 2],
    [2, 3, 2, 3],
    [7, BLOCK + 2, 3, 3],
    [9, 13, 3, 3],
    [12, 2 * BLOCK + 4, 5, 5],
    [33, 40, 7, 7],
    [20, 17, 1, 9],
    [17, 20, 9, 1],
    [40, 45, 11, 11],
  ];
  let seed = 500;
  for (const [rows, cols, kh, kw] of shapes)
    for (const relu of [false, true])
      for (const mean of [false, true])
        it(`${rows}×${cols} image, ${kh}×${kw} kernel, ${relu ? 'ReLU' : 'linear'}, ${mean ? 'mean' : 'sum'}`, () => {
          const x = randomMatrix(rows, cols, seed++, -1, 1);
          const y = forwardCpu(x, randomKernel(kh, kw, seed++), {
            mode: 'correlate',
            bias: 0.2,
            activation: 'none',
          });
          const w = Float64Array.from(randomKernel(kh, kw, seed++).data);
          const program = wasmLossAndGrads(x, y, kh, kw, relu);
          expect(program).not.toBeNull();
          const gWasm = new Float64Array(kh * kw);
          const gRef = new Float64Array(kh * kw);
          for (const bias of [-0.4, 0.1]) {
            const a = program!(w, bias, mean, gWasm);
            const b = lossAndGradsCpu(x, y, w, kh, kw, bias, relu, mean, gRef, createStepBuffers(y.cols));
            expectAllClose([a.loss, a.gradB], [b.loss, b.gradB], TOL, 'loss and ∂L/∂b');
            expectAllClose(gWasm, gRef, TOL, '∂L/∂K');
          }
        });

  it('a non-finite kernel gives a non-finite loss, as in the reference (divergence is seen)', () => {
    const x = randomMatrix(10, 12, 1, -1, 1);
    const y = randomMatrix(8, 10, 2, -1, 1);
    for (const relu of [false, true]) {
      const w = Float64Array.from([Infinity, -Infinity, 1, 2, 3, 4, 5, 6, 7]);
      const g = new Float64Array(9);
      const a = wasmLossAndGrads(x, y, 3, 3, relu)!(w, 0, false, g);
      const b = lossAndGradsCpu(x, y, w, 3, 3, 0, relu, false, new Float64Array(9), createStepBuffers(10));
      expect(Number.isFinite(a.loss)).toBe(false);
      expect(Number.isNaN(a.loss)).toBe(Number.isNaN(b.loss));
    }
  });

  it('the key names every constant baked into the program', () => {
    const base = { xRows: 256, xCols: 256, kh: 5, kw: 5, relu: false };
    const keys = new Set(
      [
        base,
        { ...base, relu: true },
        { ...base, kh: 3 },
        { ...base, kw: 3 },
        { ...base, xRows: 255 },
        { ...base, xCols: 255 },
      ].map(trainStepKey),
    );
    expect(keys.size).toBe(6);
    const l = trainStepLayout(base);
    expect(l.oStride % BLOCK).toBe(0);
    expect(l.xStride).toBeGreaterThanOrEqual(l.oStride + base.kw - 1);
  });
});

describe('golden trajectories through both CPU kernels', () => {
  for (const kernels of ['auto', 'js'] satisfies CpuKernels[])
    for (const c of trainCases)
      it(`${c.name} (${kernels})`, () => {
        const config = configFromCase(c);
        const { rows: kh, cols: kw } = config.initWeight;
        if (kernels === 'auto') expect(wasmLossAndGrads(config.x, config.y, kh, kw, false)).not.toBeNull();
        const run = new ParamRun(
          initialParams(config),
          config.optimizer,
          singleChannelEvaluate(config.x, config.y, kh, kw, config, kernels),
        );
        const chunk = run.runSync(c.steps);
        expectAllClose(chunk.losses, c.expected.loss, c.tolerance, `${c.name} loss`);
        expectAllClose(
          run.params.subarray(0, kh * kw),
          c.expected.weight.flat(),
          c.tolerance,
          `${c.name} weight`,
        );
        expectAllClose([run.params[kh * kw]], [c.expected.bias], c.tolerance, `${c.name} bias`);
      });
});

describe('without WebAssembly (a page whose CSP forbids compiling it)', () => {
  const global = globalThis as { WebAssembly?: unknown };
  const saved = global.WebAssembly;
  afterEach(() => {
    global.WebAssembly = saved;
  });

  it('training falls back to JavaScript with the same result', () => {
    const c = trainCases[0];
    const config = configFromCase(c);
    const { rows: kh, cols: kw } = config.initWeight;
    const withWasm = singleChannelEvaluate(config.x, config.y, kh, kw, config);
    global.WebAssembly = undefined;
    expect(wasmLossAndGrads(config.x, config.y, kh, kw, false)).toBeNull();
    const without = singleChannelEvaluate(config.x, config.y, kh, kw, config);
    const params = initialParams(config);
    const g1 = new Float64Array(params.length);
    const g2 = new Float64Array(params.length);
    expect(without(params, g2)).toBeCloseTo(withWasm(params, g1), 12);
    expectAllClose(g2, g1, TOL, 'gradients');
  });
});

describe('the binary writer', () => {
  const run = (bytes: Uint8Array, fn: string): ((...args: number[]) => number) => {
    const api = webAssembly()!;
    return new api.Instance(new api.Module(bytes), {}).exports[fn] as (...args: number[]) => number;
  };

  it('encodes i32 and f64 constants at the LEB128 boundaries', () => {
    const values = [0, 1, 63, 64, -64, -65, 127, 128, 8191, -8192, 2 ** 31 - 1, -(2 ** 31)];
    for (const v of values) {
      const code = new Code([]);
      code.i32(v);
      const bytes = moduleBytes(1, [{ name: 'f', params: [], results: ['i32'], code }]);
      expect(run(bytes, 'f')()).toBe(v);
    }
    const code = new Code(['f64']);
    code.get(code.param(0)).f64(0.1).f64Add();
    const bytes = moduleBytes(1, [{ name: 'g', params: ['f64'], results: ['f64'], code }]);
    expect(run(bytes, 'g')(0.2)).toBe(0.2 + 0.1);
  });
});
