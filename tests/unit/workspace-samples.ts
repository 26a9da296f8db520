import fc from 'fast-check';
import { expect } from 'vitest';
import { KernelStudioError } from '#core/errors';
import { BOUNDS, type NumberBound } from '#core/bounds';
import { fromRows, type Matrix } from '#core/matrix';
import { weightsOfMatrix, type Weights } from '#core/tensor';
import {
  DEFAULT_TRAINING,
  defaultDocument,
  type RunRecord,
  type TrainingModel,
  type WorkspaceDocument,
} from '#core/workspace/index';

/** Shared workspace fixtures and generators for the workspace tests. */
export { DEFAULT_TRAINING };

/** The default document with every field moved off its default, so a round trip checks them all. */
export function sampleDocument(): WorkspaceDocument {
  return {
    ...defaultDocument(),
    channels: [
      fromRows([...Array.from({ length: 5 }, () => [1, 1, 0, 0, 0, 0, 1, 1]), [1, 1, 0, 0, 0, 0, 1, 0.5]]),
    ],
    kernels: [[fromRows([[1, -0.5]])]],
    biases: [0.25],
    stride: [1, 2],
    padding: [0, 1],
    dilation: [2, 1],
    mode: 'convolve',
    activation: 'relu',
    drawnTarget: fromRows([
      [0, 1],
      [1, 0],
    ]),
    training: { ...DEFAULT_TRAINING, optimizer: 'adam', useBias: true, lr: 0.1 },
    learnedWeight: weightsOfMatrix(fromRows([[0.9999, -1.0001]])),
    learnedBias: [-0.0025],
    trainer: {
      runId: 'run-1',
      step: 2,
      params: [0.9999, -1.0001, -0.0025],
      grads: [0.5, -0.25, 0.125],
      moment1: [0.01, 0.02, 0.03],
      moment2: [1e-4, 2e-4, 3e-4],
    },
    runs: [
      {
        id: 'run-1',
        label: 'SGD 0.03',
        createdAt: '2025-01-02T03:04:05.000Z',
        settings: DEFAULT_TRAINING,
        points: [
          { step: 1, loss: 14.58 },
          { step: 2, loss: 6.83 },
        ],
      },
    ],
    lastRunNumber: 3,
  };
}

const f32 = fc.float({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 });

export function matrixArb(maxSide: number): fc.Arbitrary<Matrix> {
  return fc
    .tuple(fc.integer({ min: 1, max: maxSide }), fc.integer({ min: 1, max: maxSide }))
    .chain(([r, c]) => sizedMatrixArb(r, c));
}

function sizedMatrixArb(rows: number, cols: number): fc.Arbitrary<Matrix> {
  return fc
    .array(f32, { minLength: rows * cols, maxLength: rows * cols })
    .map((v) => ({ rows, cols, data: Float32Array.from(v) }));
}

const side = (max: number) => fc.integer({ min: 1, max });
const pairArb = (min: number, max: number) =>
  fc.tuple(fc.integer({ min, max }), fc.integer({ min, max })) as fc.Arbitrary<readonly [number, number]>;

/** A consistent layer: C channels of one H×W, O×C kernels of one kh×kw, O biases, any geometry. */
const layerArb = fc
  .record({ c: side(3), o: side(3), h: side(8), w: side(8), kh: side(4), kw: side(4) })
  .chain(({ c, o, h, w, kh, kw }) =>
    fc.record({
      channels: fc.array(sizedMatrixArb(h, w), { minLength: c, maxLength: c }),
      kernels: fc.array(fc.array(sizedMatrixArb(kh, kw), { minLength: c, maxLength: c }), {
        minLength: o,
        maxLength: o,
      }),
      biases: fc.array(boundedArb(BOUNDS.bias), { minLength: o, maxLength: o }),
      stride: pairArb(1, 64),
      padding: pairArb(0, 64),
      dilation: pairArb(1, 64),
      learned: fc.option(learnedArb(c), { nil: null }),
    }),
  );

/** A learned layer for C input channels: O×C×kh×kw weights (float32 values) and O biases. */
function learnedArb(c: number): fc.Arbitrary<{ weight: Weights; bias: number[] }> {
  return fc.record({ o: side(3), kh: side(4), kw: side(4) }).chain(({ o, kh, kw }) =>
    fc.record({
      weight: fc
        .array(f32, { minLength: o * c * kh * kw, maxLength: o * c * kh * kw })
        .map((v) => ({ outChannels: o, inChannels: c, rows: kh, cols: kw, data: Float32Array.from(v) })),
      bias: fc.array(finite, { minLength: o, maxLength: o }),
    }),
  );
}

const finite = fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e12, max: 1e12 });

/** Any value a field with this bound accepts (the UI reads the same table), ends included. */
export function boundedArb(b: NumberBound): fc.Arbitrary<number> {
  const inside = b.whole
    ? fc.integer({ min: b.min, max: b.max })
    : fc.double({ min: b.min, max: b.max, noNaN: true });
  return fc.oneof(inside, fc.constantFrom(b.min, b.max));
}

export const trainingArb: fc.Arbitrary<TrainingModel> = fc.record({
  kernelRows: boundedArb(BOUNDS.kernelSide),
  kernelCols: boundedArb(BOUNDS.kernelSide),
  init: fc.constantFrom('seeded', 'zeros', 'explicit'),
  seed: boundedArb(BOUNDS.seed),
  initWeight: matrixArb(4),
  initBias: boundedArb(BOUNDS.bias),
  useBias: fc.boolean(),
  lr: boundedArb(BOUNDS.lr),
  steps: boundedArb(BOUNDS.steps),
  logEvery: boundedArb(BOUNDS.logEvery),
  loss: fc.constantFrom('sum', 'mean'),
  optimizer: fc.constantFrom('sgd', 'momentum', 'adam'),
  targetSource: fc.constantFrom('kernel', 'drawn'),
  targetBias: boundedArb(BOUNDS.bias),
});

const runArb: fc.Arbitrary<RunRecord> = fc.record(
  {
    id: fc.stringMatching(/^[A-Za-z0-9_-]{1,16}$/),
    label: fc.string({ maxLength: 30 }),
    createdAt: fc.constant('2025-01-01T00:00:00.000Z'),
    settings: trainingArb,
    points: fc.array(fc.record({ step: fc.integer({ min: 1, max: 1e6 }), loss: finite }), { maxLength: 8 }),
  },
  { requiredKeys: ['id', 'label', 'settings', 'points'] },
);

export const documentArb: fc.Arbitrary<WorkspaceDocument> = fc
  .tuple(
    layerArb,
    fc.record({
      mode: fc.constantFrom('correlate', 'convolve'),
      activation: fc.constantFrom('none', 'relu'),
      drawnTarget: fc.option(matrixArb(6), { nil: null }),
      training: trainingArb,
      runs: fc.array(runArb, { maxLength: 3 }),
      lastRunNumber: fc.integer({ min: 0, max: 1e9 }),
    }),
  )
  // A saved run state continues the learned layer: [W…, b…] in each of its four vectors.
  .chain(([{ learned, ...layer }, rest]) =>
    trainerArb(learned ? learned.weight.data.length + learned.bias.length : 0).map((trainer) => ({
      ...layer,
      ...rest,
      learnedWeight: learned?.weight ?? null,
      learnedBias: learned?.bias ?? [],
      trainer: learned ? trainer : null,
    })),
  );

/** A run state of `n` parameters, or none. */
function trainerArb(n: number): fc.Arbitrary<WorkspaceDocument['trainer']> {
  const vector = fc.array(finite, { minLength: n, maxLength: n });
  return fc.option(
    fc.record({
      runId: fc.stringMatching(/^[A-Za-z0-9_-]{1,16}$/),
      step: fc.integer({ min: 0, max: 1e6 }),
      params: vector,
      grads: vector,
      moment1: vector,
      moment2: vector,
    }),
    { nil: null },
  );
}

/** The KernelStudioError `fn` throws (the test fails when it throws nothing or something else). */
export function errorOf(fn: () => unknown): KernelStudioError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(KernelStudioError);
    return error as KernelStudioError;
  }
  throw new Error('expected a KernelStudioError');
}
