/**
 * The full Conv2D layer on the CPU: the float64 reference and the fast path against every
 * PyTorch layer golden case, gradients against finite differences, the fast path against the
 * reference on random layers, and the single-channel "valid" layer against today's engine.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CpuLayerTrainer, forwardCpu, forwardLayerCpu } from '#core/cpu/index';
import { slidWeights, layerLossAndGradsCpu, layerStepBuffers, padTensor } from '#core/cpu/layer';
import { createStepBuffers, lossAndGradsCpu } from '#core/cpu/step';
import { slidKernelValues } from '#core/cpu/forward';
import { KernelStudioError } from '#core/errors';
import type { ConvSpec } from '#core/layer';
import { outputShape } from '#core/layer';
import { layerForwardRef, layerLossAndGradsRef, trainLayerRef } from '#core/layer-reference';
import type { LayerTrainConfig } from '#core/layer-types';

import { randomMatrix, randomWeights } from '#core/random';
import type { Tensor3 } from '#core/tensor';
import { tensorOfMatrix, weightsOfMatrix } from '#core/tensor';
import type { LayerForwardCase, LayerTrainCase } from '../helpers/golden';
import {
  biasList,
  expectAllClose,
  flat,
  forwardInputs,
  layerConfigFromCase,
  loadLayerGolden,
  PARAM_TOLERANCE,
} from '../helpers/golden';
import { oneKernelLayer } from '../helpers/one-kernel';
import { expectClose } from '../helpers/numeric';

const golden = loadLayerGolden();
const forwardCases = golden.filter((c): c is LayerForwardCase => c.op === 'forward');
const trainCases = golden.filter((c): c is LayerTrainCase => c.op === 'train');

function randomTensor(c: number, h: number, w: number, seed: number): Tensor3 {
  const m = randomMatrix(c * h, w, seed, -1, 1);
  return { channels: c, rows: h, cols: w, data: m.data };
}

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof KernelStudioError) return e.code;
    throw e;
  }
  return 'no error';
}

describe('layer golden cases (PyTorch float64)', () => {
  it('has forward and training cases', () => {
    expect(forwardCases.length).toBeGreaterThanOrEqual(8);
    expect(trainCases.length).toBeGreaterThanOrEqual(2);
  });

  describe.each(forwardCases)('$name: $about', (c) => {
    const { x, w, bias, spec } = forwardInputs(c);
    it('the reference matches', () => {
      expectAllClose(layerForwardRef(x, w, bias, spec), flat(c.expected.y), c.tolerance, 'y');
    });
    it('the fast CPU path matches', () => {
      const y = forwardLayerCpu(x, w, bias, spec);
      expect([y.channels, y.rows, y.cols]).toEqual([
        spec.outChannels,
        ...Object.values(outputShape(spec, x)),
      ]);
      expectAllClose(y.data, flat(c.expected.y), c.tolerance, 'y');
    });
  });

  describe.each(trainCases)('$name: $about', (c) => {
    const config = layerConfigFromCase(c);
    it('the reference follows the trajectory', () => {
      const r = trainLayerRef(config, c.steps);
      expectAllClose(r.losses, c.expected.loss, c.tolerance, 'loss');
      expectAllClose(r.weight, flat(c.expected.weight), PARAM_TOLERANCE, 'weight');
      expectAllClose(r.bias, biasList(c.expected.bias), PARAM_TOLERANCE, 'bias');
    });
    it('the fast CPU trainer follows the trajectory, in chunks', () => {
      const trainer = new CpuLayerTrainer(config);
      const first = trainer.runSync(7);
      const rest = trainer.runSync(c.steps - 7);
      expect(rest.firstStep).toBe(8);
      expectAllClose([...first.losses, ...rest.losses], c.expected.loss, c.tolerance, 'loss');
      const s = trainer.snapshotSync();
      expect(s.step).toBe(c.steps);
      expectAllClose(s.weight.data, flat(c.expected.weight), PARAM_TOLERANCE, 'weight');
      expectAllClose(s.bias, biasList(c.expected.bias), PARAM_TOLERANCE, 'bias');
      expect([s.weight.outChannels, s.weight.inChannels, s.weight.rows, s.weight.cols]).toEqual([
        config.spec.outChannels,
        config.spec.inChannels,
        ...config.spec.kernel,
      ]);
    });
  });
});

/** A random layer and a problem on it; shapes are kept small so finite differences stay cheap. */
const layerArb = fc
  .record({
    c: fc.integer({ min: 1, max: 3 }),
    o: fc.integer({ min: 1, max: 3 }),
    kh: fc.integer({ min: 1, max: 3 }),
    kw: fc.integer({ min: 1, max: 3 }),
    sh: fc.integer({ min: 1, max: 3 }),
    sw: fc.integer({ min: 1, max: 3 }),
    ph: fc.integer({ min: 0, max: 2 }),
    pw: fc.integer({ min: 0, max: 2 }),
    dh: fc.integer({ min: 1, max: 2 }),
    dw: fc.integer({ min: 1, max: 2 }),
    extraH: fc.integer({ min: 0, max: 5 }),
    extraW: fc.integer({ min: 0, max: 5 }),
    mode: fc.constantFrom('correlate' as const, 'convolve' as const),
    activation: fc.constantFrom('none' as const, 'relu' as const),
    loss: fc.constantFrom('sum' as const, 'mean' as const),
    useBias: fc.boolean(),
    seed: fc.integer({ min: 1, max: 1e6 }),
  })
  .map((r): LayerTrainConfig => {
    const spec: ConvSpec = {
      inChannels: r.c,
      outChannels: r.o,
      kernel: [r.kh, r.kw],
      stride: [r.sh, r.sw],
      padding: [r.ph, r.pw],
      dilation: [r.dh, r.dw],
      mode: r.mode,
      activation: r.activation,
    };
    // Big enough that the dilated kernel fits without padding.
    const h = r.dh * (r.kh - 1) + 1 + r.extraH;
    const w = r.dw * (r.kw - 1) + 1 + r.extraW;
    const x = randomTensor(r.c, h, w, r.seed);
    const shape = outputShape(spec, x);
    return {
      spec,
      x,
      y: randomTensor(r.o, shape.rows, shape.cols, r.seed + 1),
      useBias: r.useBias,
      loss: r.loss,
      optimizer: { kind: 'sgd', lr: 0.01 },
      initWeight: randomWeights(r.o, r.c, r.kh, r.kw, r.seed + 2),
      initBias: Array.from(randomMatrix(1, r.o, r.seed + 3, -0.5, 0.5).data),
    };
  });

describe('layer gradients', () => {
  it('the reference gradient matches central finite differences', () => {
    fc.assert(
      fc.property(layerArb, (config) => {
        const { spec, x, y } = config;
        const w = Float64Array.from(config.initWeight.data);
        const b = Float64Array.from(config.initBias);
        const g = layerLossAndGradsRef(x, y, w, b, spec, config);
        const loss = (ww: Float64Array, bb: Float64Array): number =>
          layerLossAndGradsRef(x, y, ww, bb, spec, config).loss;
        const h = 1e-6;
        const tol = { rtol: 1e-4, atol: 1e-6 };
        const numeric = (params: Float64Array, i: number, f: () => number): number => {
          const keep = params[i];
          params[i] = keep + h;
          const up = f();
          params[i] = keep - h;
          const down = f();
          params[i] = keep;
          return (up - down) / (2 * h);
        };
        // Finite differences are meaningless across a ReLU kink: check ReLU layers only when no
        // pre-activation is near 0.
        if (spec.activation === 'relu') {
          const pre = layerForwardRef(x, config.initWeight, b, { ...spec, activation: 'none' });
          if (pre.some((v) => Math.abs(v) < 1e-3)) return;
        }
        const gw = Array.from(w, (_, i) => numeric(w, i, () => loss(w, b)));
        const gb = Array.from(b, (_, i) => (config.useBias ? numeric(b, i, () => loss(w, b)) : 0));
        expectAllClose(g.gradW, gw, tol, 'gradW');
        expectAllClose(g.gradB, gb, tol, 'gradB');
      }),
      { numRuns: 60 },
    );
  });

  it('the fast CPU gradient equals the reference on random layers', () => {
    fc.assert(
      fc.property(layerArb, (config) => {
        const { spec, x, y } = config;
        const ref = layerLossAndGradsRef(x, y, config.initWeight.data, config.initBias, spec, config);
        const weff = slidWeights(config.initWeight.data, spec);
        const gradEff = new Float64Array(weff.length);
        const gradB = new Float64Array(spec.outChannels);
        const loss = layerLossAndGradsCpu(
          padTensor(x, spec.padding),
          y,
          weff,
          config.initBias,
          spec,
          config.loss,
          gradEff,
          gradB,
          layerStepBuffers(spec, x),
        );
        const tol = { rtol: 1e-9, atol: 1e-9 };
        expectAllClose([loss], [ref.loss], tol, 'loss');
        expectAllClose(slidWeights(gradEff, spec), ref.gradW, tol, 'gradW');
        if (config.useBias) expectAllClose(gradB, ref.gradB, tol, 'gradB');
      }),
      { numRuns: 150 },
    );
  });

  it('the fast CPU forward pass and trainer follow the reference on random layers', () => {
    fc.assert(
      fc.property(
        layerArb,
        fc.constantFrom('sgd' as const, 'momentum' as const, 'adam' as const),
        (config, kind) => {
          const cfg = { ...config, optimizer: { kind, lr: 0.01 } };
          const ref = layerForwardRef(cfg.x, cfg.initWeight, cfg.initBias, cfg.spec);
          const y = forwardLayerCpu(cfg.x, cfg.initWeight, cfg.initBias, cfg.spec);
          expectAllClose(y.data, ref, { rtol: 1e-6, atol: 1e-6 }, 'y');
          const r = trainLayerRef(cfg, 5);
          const trainer = new CpuLayerTrainer(cfg);
          const chunk = trainer.runSync(5);
          // The WebAssembly step computes in float32 lanes (as the GPU programs): normwise float32 agreement.
          expectClose(chunk.losses, r.losses, 2e-4, 'loss');
          expectClose(trainer.snapshotSync().weight.data, r.weight, 2e-4, 'weight');
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('one channel, stride 1, no padding: the existing engine', () => {
  const validArb = fc.record({
    h: fc.integer({ min: 1, max: 12 }),
    w: fc.integer({ min: 1, max: 12 }),
    kh: fc.integer({ min: 1, max: 5 }),
    kw: fc.integer({ min: 1, max: 5 }),
    mode: fc.constantFrom('correlate' as const, 'convolve' as const),
    activation: fc.constantFrom('none' as const, 'relu' as const),
    loss: fc.constantFrom('sum' as const, 'mean' as const),
    useBias: fc.boolean(),
    seed: fc.integer({ min: 1, max: 1e6 }),
  });

  it('the layer forward pass and trainer give exactly what forwardCpu and CpuTrainer give', () => {
    fc.assert(
      fc.property(validArb, ({ h, w, kh, kw, mode, activation, loss, useBias, seed }) => {
        const x = randomMatrix(h + kh - 1, w + kw - 1, seed, -1, 1);
        const k = randomMatrix(kh, kw, seed + 1, -1, 1);
        const single = {
          x,
          y: randomMatrix(h, w, seed + 2, -1, 1),
          mode,
          activation,
          useBias,
          loss,
          optimizer: { kind: 'adam' as const, lr: 0.05 },
          initWeight: k,
          initBias: 0.25,
        };
        const layer = oneKernelLayer(single);
        const y = forwardLayerCpu(layer.x, layer.initWeight, [0.25], layer.spec);
        expect(y.data).toEqual(forwardCpu(x, k, { mode, activation, bias: 0.25 }).data);
        const a = new CpuLayerTrainer(oneKernelLayer(single));
        const b = new CpuLayerTrainer(layer);
        expect(b.runSync(4).losses).toEqual(a.runSync(4).losses);
        expect(b.snapshotSync().weight.data).toEqual(a.snapshotSync().weight.data);
        expect(b.exportState()).toEqual(a.exportState());
      }),
      { numRuns: 80 },
    );
  });

  it('the general row loops compute exactly what the fused single-channel step computes', () => {
    fc.assert(
      fc.property(validArb, ({ h, w, kh, kw, mode, activation, loss, seed }) => {
        const x = randomMatrix(h + kh - 1, w + kw - 1, seed, -1, 1);
        const y = randomMatrix(h, w, seed + 2, -1, 1);
        const k = randomMatrix(kh, kw, seed + 1, -1, 1);
        const eff = slidKernelValues(k.data, kh * kw, mode);
        const gradSingle = new Float64Array(kh * kw);
        const single = lossAndGradsCpu(
          x,
          y,
          eff,
          kh,
          kw,
          0.1,
          activation === 'relu',
          loss,
          gradSingle,
          createStepBuffers(w),
        );
        const spec = oneKernelLayer({
          x,
          y,
          mode,
          activation,
          loss,
          useBias: true,
          optimizer: { kind: 'sgd', lr: 1 },
          initWeight: k,
          initBias: 0,
        }).spec;
        const gradLayer = new Float64Array(kh * kw);
        const gradB = new Float64Array(1);
        const layerLoss = layerLossAndGradsCpu(
          tensorOfMatrix(x),
          tensorOfMatrix(y),
          eff,
          [0.1],
          spec,
          loss,
          gradLayer,
          gradB,
          layerStepBuffers(spec, tensorOfMatrix(x)),
        );
        expect(layerLoss).toBe(single.loss);
        expect(gradLayer).toEqual(gradSingle);
        expect(gradB[0]).toBe(single.gradB);
      }),
      { numRuns: 80 },
    );
  });
});

describe('layer runs', () => {
  const config = layerConfigFromCase(trainCases.find((c) => c.name === 'layer_learn_rgb_pad')!);

  it('resumes from an exported state exactly (a handover between backends)', () => {
    const whole = new CpuLayerTrainer({ ...config, optimizer: { kind: 'adam', lr: 0.01 } });
    const part = new CpuLayerTrainer({ ...config, optimizer: { kind: 'adam', lr: 0.01 } });
    whole.runSync(9);
    part.runSync(4);
    const resumed = new CpuLayerTrainer(
      { ...config, optimizer: { kind: 'adam', lr: 0.01 } },
      part.exportState(),
    );
    expect(resumed.runSync(5).firstStep).toBe(5);
    expect(resumed.snapshotSync()).toEqual(whole.snapshotSync());
  });

  it('stops on divergence and keeps the last finite layer', () => {
    const trainer = new CpuLayerTrainer({ ...config, optimizer: { kind: 'sgd', lr: 50 } });
    const chunk = trainer.runSync(100);
    expect(chunk.diverged?.step).toBeGreaterThan(1);
    const s = trainer.snapshotSync();
    expect(Array.from(s.weight.data).every(Number.isFinite)).toBe(true);
    expect(Array.from(s.bias).every(Number.isFinite)).toBe(true);
  });

  it('refuses mismatched shapes with typed errors before any work', () => {
    const badY: Tensor3 = {
      ...config.y,
      channels: 1,
      data: config.y.data.subarray(0, config.y.rows * config.y.cols),
    };
    expect(codeOf(() => new CpuLayerTrainer({ ...config, y: badY }))).toBe('invalid-argument');
    expect(codeOf(() => new CpuLayerTrainer({ ...config, initBias: [0] }))).toBe('invalid-argument');
    expect(codeOf(() => new CpuLayerTrainer({ ...config, spec: { ...config.spec, inChannels: 2 } }))).toBe(
      'invalid-argument',
    );
    expect(
      codeOf(() =>
        forwardLayerCpu(config.x, config.initWeight, [0, 0], { ...config.spec, dilation: [9, 9] }),
      ),
    ).toBe('kernel-too-large');
    expect(
      codeOf(() =>
        forwardLayerCpu(config.x, weightsOfMatrix(randomMatrix(3, 3, 1)), [0], {
          ...config.spec,
          outChannels: 1,
        }),
      ),
    ).toBe('invalid-argument');
  });
});
