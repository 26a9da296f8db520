/**
 * The WebAssembly SIMD training program (core/wasm) against its CPU references
 * (`lossAndGradsCpu` in core/cpu/step.ts for one channel, `layerLossAndGradsCpu` in
 * core/cpu/layer.ts for the layer), the golden trajectories through both, and the binary
 * writer it is built with.
 */
import { WASM_OPTIONS } from '../helpers/wasm-options';
import { expectClose } from '../helpers/numeric';
import { expectProgramLikeReference, randomLayer, randomTensor } from '../helpers/random-layers';
import { afterEach, describe, expect, it } from 'vitest';
import { forwardCpu } from '#core/cpu/forward';
import { ParamRun } from '#core/cpu/param-run';
import { createStepBuffers, lossAndGradsCpu } from '#core/cpu/step';
import type { CpuKernels } from '#core/wasm/layer';
import { randomKernel, randomMatrix } from '#core/random';
import { initialParams } from '#core/train/resume';
import { Code, moduleBytes, wasmSimdSupported } from '#core/wasm/emit';
import { webAssembly } from '#core/wasm/runtime';
import { forwardLayerCpu, padTensor, slidWeights } from '#core/cpu/layer';
import { layerEvaluate } from '#core/cpu/layer-trainer';
import { convSpec, outputShape } from '#core/layer';
import type { Matrix } from '#core/matrix';
import { mulberry32 } from '#core/random';
import { randomWeights } from '#core/random';
import type { Tensor3 } from '#core/tensor';
import { tensorOfMatrix, weightsOfMatrix } from '#core/tensor';
import type { LossKind, TrainConfig } from '#core/types';
import { LOSS_KINDS } from '#core/types';
import { BLOCK, GROUP, MAX_BYTES, layerKey, layerLayout } from '#core/wasm/layer-program';
import { wasmForwardLayer, wasmLayerLossAndGrads } from '#core/wasm/layer';
import type { LayerTrainCase } from '../helpers/golden';
import {
  biasList,
  expectAllClose,
  flat,
  layerConfigFromCase,
  loadLayerGolden,
  PARAM_TOLERANCE,
} from '../helpers/golden';
import { configFromCase, trainCases } from './compute-fixtures';

/** The one-kernel layer's evaluation (C = O = 1), as CpuTrainer runs it. */
function oneKernelEvaluate(
  x: Matrix,
  y: Matrix,
  kh: number,
  kw: number,
  opts: Pick<TrainConfig, 'mode' | 'activation' | 'loss' | 'useBias'>,
  kernels: CpuKernels = 'auto',
) {
  const spec = convSpec({ kernel: [kh, kw], mode: opts.mode, activation: opts.activation });
  const initWeight = weightsOfMatrix({ rows: kh, cols: kw, data: new Float32Array(kh * kw) });
  const config = { spec, loss: opts.loss, useBias: opts.useBias, initWeight };
  return layerEvaluate(config, tensorOfMatrix(x), tensorOfMatrix(y), kernels);
}

/** The layer program on one channel. */
function wasmLossAndGrads(x: Matrix, y: Matrix, kh: number, kw: number, relu: boolean) {
  const spec = convSpec({ kernel: [kh, kw], activation: relu ? 'relu' : 'none' });
  const program = wasmLayerLossAndGrads(tensorOfMatrix(x), tensorOfMatrix(y), spec);
  if (!program) return null;
  return (w: Float64Array, bias: number, loss: LossKind, gradW: Float64Array) => {
    const gradB = new Float64Array(1);
    const value = program(w, [bias], loss, gradW, gradB);
    return { loss: value, gradB: gradB[0] };
  };
}

/**
 * The programs compute in float32 lanes (each row's sums widened to float64), the reference in
 * float64 on the same float32 inputs: they agree to float32 rounding, normwise (a component that
 * cancels to near zero is compared against the largest one). A wrong tap, channel or mask is off
 * by far more.
 */
const F32 = 1e-4;

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
      for (const loss of LOSS_KINDS)
        it(`${rows}×${cols} image, ${kh}×${kw} kernel, ${relu ? 'ReLU' : 'linear'}, ${loss}`, () => {
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
            const a = program!(w, bias, loss, gWasm);
            const b = lossAndGradsCpu(x, y, w, kh, kw, bias, relu, loss, gRef, createStepBuffers(y.cols));
            expectClose([a.loss], [b.loss], F32, 'loss');
            expectClose([a.gradB], [b.gradB], F32, '∂L/∂b');
            expectClose(gWasm, gRef, F32, '∂L/∂K');
          }
        });

  it('a non-finite kernel gives a non-finite loss, as in the reference (divergence is seen)', () => {
    const x = randomMatrix(10, 12, 1, -1, 1);
    const y = randomMatrix(8, 10, 2, -1, 1);
    for (const relu of [false, true]) {
      const w = Float64Array.from([Infinity, -Infinity, 1, 2, 3, 4, 5, 6, 7]);
      const g = new Float64Array(9);
      const a = wasmLossAndGrads(x, y, 3, 3, relu)!(w, 0, 'sum', g);
      const b = lossAndGradsCpu(x, y, w, 3, 3, 0, relu, 'sum', new Float64Array(9), createStepBuffers(10));
      expect(Number.isFinite(a.loss)).toBe(false);
      expect(Number.isNaN(a.loss)).toBe(Number.isNaN(b.loss));
    }
  });

  it('the key names every constant baked into the program', () => {
    const base = {
      purpose: 'train' as const,
      inChannels: 3,
      outChannels: 8,
      xRows: 256,
      xCols: 256,
      kh: 5,
      kw: 5,
      dh: 1,
      dw: 1,
      relu: false,
    };
    const variants = [
      base,
      { ...base, relu: true },
      { ...base, kh: 3 },
      { ...base, kw: 3 },
      { ...base, xRows: 255 },
      { ...base, xCols: 255 },
      { ...base, inChannels: 2 },
      { ...base, outChannels: 2 },
      { ...base, dh: 2 },
      { ...base, dw: 2 },
    ];
    expect(new Set(variants.map(layerKey)).size).toBe(variants.length);
    const l = layerLayout(base);
    expect(l.oStride % BLOCK).toBe(0);
    expect(l.xStride).toBeGreaterThanOrEqual(l.oStride + base.kw - 1);
  });

  it('a problem too large for one wasm32 memory is left to JavaScript', () => {
    const spec = convSpec({ kernel: [3, 3], inChannels: 64 });
    const side = 3000; // 64 float32 channels of 3000² are 2.3 GB
    const huge: Tensor3 = { channels: 64, rows: side, cols: side, data: new Float32Array(0) };
    const y: Tensor3 = { channels: 1, rows: side - 2, cols: side - 2, data: new Float32Array(0) };
    expect(
      layerLayout({
        purpose: 'train',
        inChannels: 64,
        outChannels: 1,
        xRows: side,
        xCols: side,
        kh: 3,
        kw: 3,
        dh: 1,
        dw: 1,
        relu: false,
      }).bytes,
    ).toBeGreaterThan(MAX_BYTES);
    expect(wasmLayerLossAndGrads(huge, y, spec)).toBeNull();
  });
});

describe('the layer program vs the JavaScript layer step on random layers', () => {
  const rand = mulberry32(77);
  const tensor = (channels: number, rows: number, cols: number): Tensor3 =>
    randomTensor(rand, channels, rows, cols);
  for (let n = 0; n < 60; n++) {
    const p = randomLayer(rand, n, { maxOut: 4, maxDilation: 3, maxSide: 24 });
    const { spec, x, weights, bias } = p;
    const [kh, kw] = spec.kernel;
    it(`#${n}: ${spec.inChannels}→${spec.outChannels}, ${kh}×${kw}, padding ${spec.padding.join('×')}, dilation ${spec.dilation.join('×')}, ${spec.activation}`, () => {
      expectProgramLikeReference(p, n % 2 === 0 ? 'mean' : 'sum', F32, `#${n}`);
      // The forward program: float32 sums (with the host's multiply-add) against the float64
      // TypeScript pass: at most a few float32 roundings apart.
      const yWasm = forwardLayerCpu(x, weights, bias, spec);
      const yJs = forwardLayerCpu(x, weights, bias, spec, 'js');
      expect(wasmForwardLayer(x, slidWeights(weights.data, spec), bias, spec, WASM_OPTIONS)?.data).toEqual(
        yWasm.data,
      );
      expect([yWasm.channels, yWasm.rows, yWasm.cols]).toEqual([yJs.channels, yJs.rows, yJs.cols]);
      expectAllClose(yWasm.data, yJs.data, { rtol: 1e-6, atol: 1e-6 }, 'forward');
    });
  }

  it('a strided layer is left to JavaScript, and layerEvaluate still trains it', () => {
    const spec = convSpec({ kernel: [3, 3], stride: [2, 1], inChannels: 2, outChannels: 2 });
    const x = tensor(2, 11, 12);
    const out = outputShape(spec, x);
    const y = tensor(2, out.rows, out.cols);
    expect(wasmLayerLossAndGrads(x, y, spec)).toBeNull();
    const initWeight = randomWeights(2, 2, 3, 3, 5);
    const config = { spec, loss: 'sum', useBias: true, initWeight } as const;
    const params = new Float64Array(initWeight.data.length + 2);
    params.set(initWeight.data);
    const g1 = new Float64Array(params.length);
    const g2 = new Float64Array(params.length);
    expect(layerEvaluate(config, x, y)(params, g1)).toBe(layerEvaluate(config, x, y, 'js')(params, g2));
    expect(g1).toEqual(g2);
  });
});

describe('a closed run hands its instance to the next run of its shape', () => {
  it('the next run, on other data, follows the JavaScript step (nothing of the first run is left)', () => {
    const problem = (seed: number) => {
      const x = randomMatrix(40, 45, seed, -1, 1);
      const y = forwardCpu(x, randomKernel(5, 5, seed + 1), {
        mode: 'correlate',
        bias: 0.1,
        activation: 'none',
      });
      return { x, y, mode: 'correlate', activation: 'relu', loss: 'mean', useBias: true } as const;
    };
    const start = new Float64Array(26).fill(0.05);
    const first = problem(1);
    const a = new ParamRun(
      start,
      { kind: 'adam', lr: 0.01 },
      oneKernelEvaluate(first.x, first.y, 5, 5, first),
    );
    a.runSync(20);
    expect(a.step).toBe(20);
    a.dispose();
    const second = problem(7);
    const b = new ParamRun(
      start,
      { kind: 'adam', lr: 0.01 },
      oneKernelEvaluate(second.x, second.y, 5, 5, second),
    );
    const ref = new ParamRun(
      start,
      { kind: 'adam', lr: 0.01 },
      oneKernelEvaluate(second.x, second.y, 5, 5, second, 'js'),
    );
    expectClose(b.runSync(30).losses, ref.runSync(30).losses, F32, 'losses');
    expectClose(b.params, ref.params, F32, 'parameters');
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
          oneKernelEvaluate(config.x, config.y, kh, kw, config, kernels),
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

describe('golden layer trajectories through both CPU kernels', () => {
  const cases = loadLayerGolden().filter((c): c is LayerTrainCase => c.op === 'train');
  for (const kernels of ['auto', 'js'] satisfies CpuKernels[])
    for (const c of cases)
      it(`${c.name} (${kernels})`, () => {
        const config = layerConfigFromCase(c);
        const { spec } = config;
        const strided = spec.stride[0] !== 1 || spec.stride[1] !== 1;
        if (kernels === 'auto' && !strided)
          expect(wasmLayerLossAndGrads(padTensor(config.x, spec.padding), config.y, spec)).not.toBeNull();
        const size = config.initWeight.data.length;
        const init = new Float64Array(size + spec.outChannels);
        init.set(config.initWeight.data);
        init.set(config.initBias, size);
        const run = new ParamRun(init, config.optimizer, layerEvaluate(config, config.x, config.y, kernels));
        expectAllClose(run.runSync(c.steps).losses, c.expected.loss, c.tolerance, 'loss');
        expectAllClose(run.params.subarray(0, size), flat(c.expected.weight), PARAM_TOLERANCE, 'weight');
        expectAllClose(run.params.subarray(size), biasList(c.expected.bias), PARAM_TOLERANCE, 'bias');
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
    const withWasm = oneKernelEvaluate(config.x, config.y, kh, kw, config);
    global.WebAssembly = undefined;
    expect(wasmLossAndGrads(config.x, config.y, kh, kw, false)).toBeNull();
    const without = oneKernelEvaluate(config.x, config.y, kh, kw, config);
    const params = initialParams(config);
    const g1 = new Float64Array(params.length);
    const g2 = new Float64Array(params.length);
    expectClose([without(params, g2)], [withWasm(params, g1)], F32, 'loss');
    expectClose(g2, g1, F32, 'gradients');
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

describe('the forward program groups output channels', () => {
  // GROUP channels share each X window read; a layer with more, and one with a
  // remainder, must still give every channel its own sums.
  for (const outChannels of [GROUP + 1, 2 * GROUP, 2 * GROUP + 3]) {
    it(`${outChannels} output channels, 2 inputs, 3×3 "same" with ReLU`, () => {
      const spec = convSpec({
        kernel: [3, 3],
        inChannels: 2,
        outChannels,
        padding: [1, 1],
        activation: 'relu',
      });
      const x: Tensor3 = { channels: 2, rows: 13, cols: 21, data: randomMatrix(26, 21, 5, -1, 1).data };
      const weights = randomWeights(outChannels, 2, 3, 3, 6);
      const bias = Array.from({ length: outChannels }, (_, o) => 0.1 * o - 0.3);
      const yWasm = forwardLayerCpu(x, weights, bias, spec);
      const yJs = forwardLayerCpu(x, weights, bias, spec, 'js');
      expect(wasmForwardLayer(x, slidWeights(weights.data, spec), bias, spec, WASM_OPTIONS)?.data).toEqual(
        yWasm.data,
      );
      expectAllClose(yWasm.data, yJs.data, { rtol: 1e-6, atol: 1e-6 }, 'forward');
    });
  }
});

describe('the forward program pads X as it copies it', () => {
  it('a padded X after an unpadded X of the same padded size (one shared instance) reads zeros in the padding', () => {
    const same = convSpec({ kernel: [3, 3], padding: [2, 1] });
    const valid = convSpec({ kernel: [3, 3] });
    const w = slidWeights(randomWeights(1, 1, 3, 3, 8).data, same);
    // Fills the whole padded area of the shared instance with non-zero values.
    const wide: Tensor3 = { channels: 1, rows: 14, cols: 12, data: randomMatrix(14, 12, 9, 1, 2).data };
    expect(wasmForwardLayer(wide, w, [0], valid, WASM_OPTIONS)).not.toBeNull();
    const x: Tensor3 = { channels: 1, rows: 10, cols: 10, data: randomMatrix(10, 10, 10, -1, 1).data };
    const weights = { outChannels: 1, inChannels: 1, rows: 3, cols: 3, data: Float32Array.from(w) };
    const y = wasmForwardLayer(x, w, [0], same, WASM_OPTIONS);
    expectAllClose(
      y!.data,
      forwardLayerCpu(x, weights, [0], same, 'js').data,
      { rtol: 1e-6, atol: 1e-6 },
      'padded',
    );
  });
});

describe('the forward program checks X in WebAssembly and can write into a caller’s Y', () => {
  const spec = convSpec({ kernel: [3, 3], inChannels: 2, outChannels: 3, padding: [1, 1] });
  const weights = randomWeights(3, 2, 3, 3, 21);
  const bias = [0.1, -0.2, 0.3];
  const image = (): Tensor3 => ({
    channels: 2,
    rows: 9,
    cols: 11,
    data: randomMatrix(18, 11, 22, -1, 1).data,
  });

  for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])
    it(`a ${bad} in X's second channel gets the same error from the WebAssembly scan as from JavaScript`, () => {
      const x = image();
      x.data[9 * 11 + 4 * 11 + 7] = bad;
      const message = (kernels: CpuKernels): string => {
        try {
          forwardLayerCpu(x, weights, bias, spec, kernels);
        } catch (e) {
          return (e as Error).message;
        }
        return 'no error';
      };
      expect(message('auto')).toBe(
        `The image X value ${9 * 11 + 4 * 11 + 8} is ${bad}: values must be finite.`,
      );
      expect(message('auto')).toBe(message('js'));
    });

  it('finds a NaN or ±Infinity at every place of X, at every width and padding, and no stale one', () => {
    const bad = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
    let checked = 0;
    for (const cols of [1, 2, 3, 4, 5, 7, 8, 9, 13])
      for (const p of [0, 1, 2]) {
        const layer = convSpec({ kernel: [1, 1], inChannels: 2, outChannels: 1, padding: [p, p] });
        const w = new Float64Array([0.5, -0.25]);
        const x = (): Tensor3 => ({
          channels: 2,
          rows: 3,
          cols,
          data: randomMatrix(6, cols, cols + p, -1, 1).data,
        });
        for (let at = 0; at < 6 * cols; at++) {
          const poisoned = x();
          poisoned.data[at] = bad[at % 3];
          const fail = (): never => {
            throw new Error(`non-finite ${at}`);
          };
          expect(() => wasmForwardLayer(poisoned, w, [0], layer, { nonFinite: fail })).toThrow(
            `non-finite ${at}`,
          );
          // The same instance, after the abandoned pass: a finite X is not refused for what was left.
          expect(wasmForwardLayer(x(), w, [0], layer, { nonFinite: fail })).not.toBeNull();
          checked++;
        }
      }
    expect(checked).toBe(6 * 3 * [1, 2, 3, 4, 5, 7, 8, 9, 13].reduce((a, b) => a + b));
  });

  it('a narrow X is not refused for a value an abandoned pass left beside its rows', () => {
    const w = new Float64Array([0.5, -0.25]);
    const fail = (): never => {
      throw new Error('non-finite');
    };
    // 2×3×3 unpadded and 2×1×1 padded by 1 are the same padded size: one instance.
    const wide: Tensor3 = { channels: 2, rows: 3, cols: 3, data: randomMatrix(6, 3, 40, -1, 1).data };
    wide.data[11] = Number.NaN;
    const unpadded = convSpec({ kernel: [1, 1], inChannels: 2, outChannels: 1 });
    expect(() => wasmForwardLayer(wide, w, [0], unpadded, { nonFinite: fail })).toThrow('non-finite');
    const narrow: Tensor3 = { channels: 2, rows: 1, cols: 1, data: new Float32Array([0.5, 2]) };
    const padded = convSpec({ kernel: [1, 1], inChannels: 2, outChannels: 1, padding: [1, 1] });
    const y = wasmForwardLayer(narrow, w, [0], padded, { nonFinite: fail });
    expect(Array.from(y!.data)).toEqual([0, 0, 0, 0, 0.5 * 0.5 - 0.25 * 2, 0, 0, 0, 0]);
  });

  it('a one-channel X that holds more values than its shape says is refused on the WebAssembly path too', () => {
    const x = { rows: 6, cols: 8, data: new Float32Array(6 * 8 + 4) };
    expect(() =>
      forwardCpu(x, randomKernel(2, 2, 25), { mode: 'correlate', bias: 0, activation: 'none' }),
    ).toThrow('The image X says 6×8 but holds 52 values.');
  });

  it('a NaN in a one-channel X names its row and column on the WebAssembly path too', () => {
    const x = randomMatrix(6, 8, 23, -1, 1);
    x.data[2 * 8 + 5] = Number.NaN;
    expect(() =>
      forwardCpu(x, randomKernel(2, 2, 24), { mode: 'correlate', bias: 0, activation: 'none' }),
    ).toThrow('The image X at row 3, column 6 is NaN: values must be finite.');
  });

  for (const kernels of ['auto', 'js'] as const)
    it(`${kernels}: Y goes into the given buffer, which is returned, and equals a fresh pass`, () => {
      // Under one block of 8 columns: the program pads Y's rows in its memory and copies Y out.
      const x: Tensor3 = { channels: 2, rows: 9, cols: 5, data: randomMatrix(18, 5, 22, -1, 1).data };
      const fresh = forwardLayerCpu(x, weights, bias, spec, kernels);
      const into = new Float32Array(fresh.data.length).fill(Number.NaN);
      const y = forwardLayerCpu(x, weights, bias, spec, kernels, into);
      expect(y.data).toBe(into);
      expect(into).toEqual(fresh.data);
    });

  it('a reused Y stays in the program’s memory: handed back it is computed in place, kept it is left alone', () => {
    // 16 columns: Y's rows are dense in the memory, so a caller's spare Y is not copied into.
    const dense = (seed: number): Tensor3 => ({
      channels: 2,
      rows: 9,
      cols: 16,
      data: randomMatrix(18, 16, seed, -1, 1).data,
    });
    const [x1, x2] = [dense(26), dense(27)];
    const fresh = (x: Tensor3): Float32Array => forwardLayerCpu(x, weights, bias, spec).data;
    const y1 = forwardLayerCpu(x1, weights, bias, spec, 'auto', new Float32Array(3 * 9 * 16));
    expect(y1.data).toEqual(fresh(x1));
    const y2 = forwardLayerCpu(x2, weights, bias, spec, 'auto', new Float32Array(3 * 9 * 16));
    expect(y2.data === y1.data).toBe(false);
    expect(y1.data).toEqual(fresh(x1));
    const y3 = forwardLayerCpu(x2, weights, bias, spec, 'auto', y1.data);
    expect(y3.data === y1.data).toBe(true);
    expect(y3.data).toEqual(fresh(x2));
    expect(y2.data).toEqual(fresh(x2));
    // A pass that fails (a NaN in X) keeps the view lent: handed back again, it still works in place.
    const bad = { ...x1, data: x1.data.slice() };
    bad.data[5] = Number.NaN;
    expect(() => forwardLayerCpu(bad, weights, bias, spec, 'auto', y3.data)).toThrow('is NaN');
    forwardLayerCpu(x2, weights, bias, spec, 'auto', new Float32Array(3 * 9 * 16));
    expect(y3.data).toEqual(fresh(x2));
    const y4 = forwardLayerCpu(x1, weights, bias, spec, 'auto', y3.data);
    expect(y4.data === y1.data).toBe(true);
    expect(y4.data).toEqual(fresh(x1));
  });

  it('an output buffer of the wrong size is refused before any work', () => {
    expect(() => forwardLayerCpu(image(), weights, bias, spec, 'auto', new Float32Array(5))).toThrow(
      'The output buffer holds 5 values but Y has 297.',
    );
  });
});
