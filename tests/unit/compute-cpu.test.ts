import { describe, expect, it } from 'vitest';
import { CpuLayerTrainer, corr2dCpu, createCpuBackend, forwardCpu } from '#core/cpu/index';
import { correlateInto } from '#core/cpu/forward';
import { addKernelRow } from '#core/cpu/rows';
import { isKernelStudioError } from '#core/errors';
import type { Matrix } from '#core/matrix';
import { fromRows } from '#core/matrix';
import { randomKernel, randomMatrix } from '#core/random';
import { corr2dRef, forwardRef, trainRef } from '#core/reference';
import type { Activation, LossKind, Mode, OptimizerSpec, TrainConfig } from '#core/types';
import { expectAllClose } from '../helpers/golden';
import { expectClose } from '../helpers/numeric';
import { configFromCase, forwardCases, trainCases } from './compute-fixtures';
import { oneKernelLayer, forwardOneKernel } from '../helpers/one-kernel';

/** Float32 storage of outputs vs the float64 reference. */
const FORWARD_TOL = { rtol: 1e-5, atol: 1e-5 };
/**
 * The trainer's WebAssembly step computes in float32 lanes, as the GPU programs do (its sums
 * widened to float64 per row; the optimizer in float64): normwise float32 agreement with the
 * float64 reference over the run, as the GPU programs' tests ask (tests/gpu/programs.test.ts).
 */
const TRAIN_RTOL = 2e-4;

const KERNEL_SHAPES: [number, number][] = [
  [1, 1],
  [1, 2],
  [2, 1],
  [3, 3],
  [3, 5],
  [5, 3],
  [4, 7],
  [2, 9],
  [11, 11],
];
const MODES: Mode[] = ['correlate', 'convolve'];
const OPTIMIZERS: OptimizerSpec[] = [
  { kind: 'sgd', lr: 1e-3 },
  { kind: 'momentum', lr: 5e-4, momentum: 0.8 },
  { kind: 'adam', lr: 1e-2 },
];

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return isKernelStudioError(e) ? e.code : `not a KernelStudioError: ${String(e)}`;
  }
  return undefined;
}

function randomConfig(seed: number, kh: number, kw: number, over: Partial<TrainConfig> = {}): TrainConfig {
  const x = randomMatrix(kh + 6, kw + 9, seed, -1, 1);
  const y = { ...randomMatrix(7, 10, seed + 1, -1, 1) };
  return {
    x,
    y,
    mode: 'correlate',
    activation: 'none',
    useBias: true,
    loss: 'sum',
    optimizer: { kind: 'sgd', lr: 1e-3 },
    initWeight: randomKernel(kh, kw, seed + 2),
    initBias: 0.1,
    ...over,
  };
}

describe('CPU backend: golden cases', () => {
  for (const c of forwardCases) {
    it(`forward ${c.name}`, () => {
      const y = forwardCpu(fromRows(c.x), fromRows(c.k), {
        mode: c.mode,
        bias: c.bias,
        activation: c.activation,
      });
      expect([y.rows, y.cols]).toEqual([c.expected.y.length, c.expected.y[0].length]);
      expectAllClose(y.data, c.expected.y.flat(), c.tolerance, c.name);
    });
  }
  for (const c of trainCases) {
    it(`train ${c.name}`, () => {
      const trainer = new CpuLayerTrainer(oneKernelLayer(configFromCase(c)));
      const chunk = trainer.runSync(c.steps);
      const snap = trainer.snapshotSync();
      expect(chunk.diverged).toBeUndefined();
      expect(chunk.firstStep).toBe(1);
      expect(snap.step).toBe(c.steps);
      expectAllClose(chunk.losses, c.expected.loss, c.tolerance, `${c.name} loss`);
      expectAllClose(snap.weight.data, c.expected.weight.flat(), c.tolerance, `${c.name} weight`);
      expectAllClose(snap.bias, [c.expected.bias], c.tolerance, `${c.name} bias`);
    });
  }
});

describe('CPU backend vs reference on random shapes', () => {
  let seed = 100;
  for (const [kh, kw] of KERNEL_SHAPES) {
    for (const mode of MODES) {
      for (const activation of ['none', 'relu'] as Activation[]) {
        it(`forward ${kh}×${kw} ${mode} ${activation}`, () => {
          const x: Matrix = randomMatrix(kh + 13, kw + 17, seed++, -2, 2);
          const k = randomMatrix(kh, kw, seed++, -1, 1);
          const params = { mode, bias: -0.2, activation };
          expectAllClose(forwardCpu(x, k, params).data, forwardRef(x, k, params), FORWARD_TOL, 'y');
        });
      }
    }
  }

  it('the 3×3 fast path equals the general row-by-row path bit for bit', () => {
    const x = randomMatrix(37, 53, 31, -2, 2);
    const w = Float64Array.from(randomKernel(3, 3, 32).data);
    for (const relu of [false, true]) {
      const fast = new Float32Array(35 * 51);
      correlateInto(x, w, 3, 3, 0.3, relu, fast);
      const general = new Float32Array(35 * 51);
      const acc = new Float64Array(51);
      for (let i = 0; i < 35; i++) {
        acc.fill(0.3);
        for (let a = 0; a < 3; a++) addKernelRow(acc, x.data, (i + a) * 53, w, a * 3, 3, 51);
        for (let j = 0; j < 51; j++) general[i * 51 + j] = relu ? Math.max(acc[j], 0) : acc[j];
      }
      expect(fast).toEqual(general);
    }
  });

  it('corr2dCpu is the plain correlation, and convolve flips', () => {
    const x = randomMatrix(9, 12, 7, -1, 1);
    const k = randomMatrix(3, 5, 8, -1, 1);
    expectAllClose(corr2dCpu(x, k).data, corr2dRef(x, k), FORWARD_TOL, 'correlate');
    expectAllClose(corr2dCpu(x, k, 'convolve').data, corr2dRef(x, k, 'convolve'), FORWARD_TOL, 'convolve');
  });

  for (const [kh, kw] of KERNEL_SHAPES) {
    for (const optimizer of OPTIMIZERS) {
      for (const mode of MODES) {
        const activation: Activation = kh % 2 ? 'relu' : 'none';
        const loss: LossKind = kw % 2 ? 'mean' : 'sum';
        it(`train ${kh}×${kw} ${optimizer.kind} ${mode} ${activation} ${loss}`, () => {
          const config = randomConfig(seed++, kh, kw, {
            mode,
            optimizer,
            activation,
            loss,
            useBias: kh !== 2,
          });
          const steps = 25;
          const ref = trainRef(config, steps);
          const trainer = new CpuLayerTrainer(oneKernelLayer(config));
          const chunk = trainer.runSync(steps);
          const snap = trainer.snapshotSync();
          expect(ref.diverged).toBeUndefined();
          expectClose(chunk.losses, ref.losses, TRAIN_RTOL, 'loss');
          expectClose(snap.weight.data, ref.weight, TRAIN_RTOL, 'weight');
          const { params } = trainer.exportState();
          expectClose([params[params.length - 1]], [ref.bias], TRAIN_RTOL, 'bias');
        });
      }
    }
  }
});

describe('CPU backend: errors, divergence, pause/resume', () => {
  const ok = { mode: 'correlate', bias: 0, activation: 'none' } as const;

  it('rejects bad forward input with the right codes', () => {
    const x = randomMatrix(4, 4, 1);
    expect(codeOf(() => forwardCpu(x, randomMatrix(5, 2, 2), ok))).toBe('kernel-too-large');
    expect(codeOf(() => forwardCpu(x, randomMatrix(32, 32, 2), ok))).toBe('too-large');
    expect(codeOf(() => forwardCpu(x, { rows: 0, cols: 0, data: new Float32Array(0) }, ok))).toBe('empty');
    const nan = randomMatrix(2, 2, 3);
    nan.data[3] = NaN;
    expect(codeOf(() => forwardCpu(x, nan, ok))).toBe('non-finite');
    expect(codeOf(() => forwardCpu(x, randomMatrix(2, 2, 3), { ...ok, bias: Infinity }))).toBe('non-finite');
    expect(codeOf(() => forwardCpu(x, { rows: 2, cols: 2, data: new Float32Array(3) }, ok))).toBe(
      'invalid-argument',
    );
  });

  it('rejects bad training configs', () => {
    const config = randomConfig(5, 3, 3);
    expect(codeOf(() => new CpuLayerTrainer(oneKernelLayer({ ...config, y: randomMatrix(7, 9, 1) })))).toBe(
      'invalid-argument',
    );
    expect(
      codeOf(() => new CpuLayerTrainer(oneKernelLayer({ ...config, optimizer: { kind: 'sgd', lr: 0 } }))),
    ).toBe('invalid-argument');
    expect(
      codeOf(() => new CpuLayerTrainer(oneKernelLayer({ ...config, optimizer: { kind: 'sgd', lr: NaN } }))),
    ).toBe('invalid-argument');
    expect(codeOf(() => new CpuLayerTrainer(oneKernelLayer(config)).runSync(-1))).toBe('invalid-argument');
    expect(codeOf(() => new CpuLayerTrainer(oneKernelLayer(config)).runSync(1.5))).toBe('invalid-argument');
  });

  it('stops at the diverging step with a finite kernel, like the reference, and stays stopped', () => {
    const config = { ...configFromCase(trainCases[0]), optimizer: { kind: 'sgd', lr: 1e4 } } as const;
    const ref = trainRef(config, 500);
    const trainer = new CpuLayerTrainer(oneKernelLayer(config));
    const chunk = trainer.runSync(500);
    expect(chunk.diverged).toBeDefined();
    expect(chunk.diverged!.step).toBe(ref.diverged!.step);
    expect(chunk.losses.length).toBe(chunk.diverged!.step - 1);
    const snap = trainer.snapshotSync();
    expect(snap.step).toBe(chunk.diverged!.step - 1);
    expect(Array.from(snap.weight.data).every(Number.isFinite)).toBe(true);
    expect(Number.isFinite(snap.bias[0])).toBe(true);
    expect(Array.from(snap.gradWeight.data).every(Number.isFinite)).toBe(true);
    const again = trainer.runSync(10);
    expect(again.diverged).toEqual(chunk.diverged);
    expect(again.losses.length).toBe(0);
    expect(trainer.snapshotSync()).toEqual(snap);
  });

  it('run(3) then run(7) equals run(10), with Adam state carried over', async () => {
    const config = randomConfig(9, 3, 5, { optimizer: { kind: 'adam', lr: 0.01 }, activation: 'relu' });
    const whole = new CpuLayerTrainer(oneKernelLayer(config));
    const parts = new CpuLayerTrainer(oneKernelLayer(config));
    const all = await whole.run(10);
    const first = await parts.run(3);
    const second = await parts.run(7);
    expect(first.firstStep).toBe(1);
    expect(second.firstStep).toBe(4);
    expect([...first.losses, ...second.losses]).toEqual(Array.from(all.losses));
    expect(await parts.snapshot()).toEqual(await whole.snapshot());
  });

  it('does not see later edits to the caller’s X', () => {
    const config = randomConfig(11, 2, 2);
    const trainer = new CpuLayerTrainer(oneKernelLayer(config));
    const before = trainer.runSync(1).losses[0];
    config.x.data.fill(0);
    const fresh = new CpuLayerTrainer(oneKernelLayer(randomConfig(11, 2, 2)));
    expect(fresh.runSync(1).losses[0]).toBe(before);
    expect(trainer.runSync(1).losses[0]).toBe(fresh.runSync(1).losses[0]);
  });

  it('exposes forward and trainers through the backend interface', async () => {
    const backend = createCpuBackend();
    expect([backend.kind, backend.label]).toEqual(['cpu', 'CPU']);
    const c = trainCases[0];
    const trainer = await backend.createLayerTrainer(oneKernelLayer(configFromCase(c)));
    expect(trainer.backend).toBe('cpu');
    const chunk = await trainer.run(c.steps);
    expectAllClose(chunk.losses, c.expected.loss, c.tolerance, 'loss');
    trainer.dispose();
    await expect(trainer.run(1)).rejects.toThrow(/closed/);
    const f = forwardCases[0];
    const y = await forwardOneKernel(backend, fromRows(f.x), fromRows(f.k), {
      mode: f.mode,
      bias: f.bias,
      activation: f.activation,
    });
    expectAllClose(y.data, f.expected.y.flat(), f.tolerance, 'forward');
  });
});
