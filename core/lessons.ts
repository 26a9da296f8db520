/**
 * The lessons: d2l's sections 7.2, 7.3 and 7.4 as sequences of steps, plus a practitioner's
 * lesson (learn a filter from a before/after picture). Pure data: each step is a preset of the
 * one preset model (a `DocumentChange` that core's `documentState` makes whole: what it does not
 * name comes from the defaults, Train's settings are fitted to it, and a training step names its
 * own), the view and the thing to look at, and the numbers the book (PyTorch) computes there. Texts live in the i18n catalogs under
 * `lesson.<lesson>.<step>.title` / `.text`.
 */
import type { Pair } from './layer';
import { perChannel } from './layer-stack';
import { fromRows, type Matrix } from './matrix';
import { presetById, rampImage, type DocumentChange } from './presets';
import { DEFAULT_TRAINING, type TrainingModel } from './workspace/model';

export type LessonId = 's72' | 's73' | 's74' | 'practice';
/** Where a step is looked at: Explore's "X, K and Y" tab, its layer tab, or Train. */
export type LessonView = 'kernel' | 'layer' | 'train';

/** What a step points at. */
export type LessonHighlight =
  | { readonly kind: 'x' | 'k' | 'y' | 'chart' | 'shape' }
  /** One output cell and its window in X (its receptive field): hovered, so its sum is written out. */
  | { readonly kind: 'window'; readonly row: number; readonly col: number };

/** The numbers the book computes at a step (from PyTorch, as the golden cases hold them). */
export interface BookNumbers {
  /** Y, one grid per output channel. */
  readonly y?: readonly (readonly (readonly number[])[])[];
  /** Y's shape (rows, cols), as `Y.shape` prints. */
  readonly shape?: Pair;
  /** The losses the book's loop prints: step → loss. */
  readonly losses?: readonly { readonly step: number; readonly loss: number }[];
  /** The kernel learned at the end. */
  readonly weight?: readonly (readonly number[])[];
}

/** The exercise checks a step offers (core/lesson-checks.ts). */
export type ExerciseId = 'diagonal' | 'zeroTransposed' | 'secondDerivative' | 'outputShape' | 'cost';

export interface LessonStep {
  readonly id: string;
  readonly view: LessonView;
  /** The part of the document the step names (a preset's state; `documentState` makes it whole). */
  readonly state: DocumentChange;
  readonly highlight?: LessonHighlight;
  readonly book?: BookNumbers;
  /** Open the matrix-product (im2col) view. */
  readonly showIm2col?: boolean;
  readonly exercise?: ExerciseId;
}

export interface Lesson {
  readonly id: LessonId;
  /** The book's section ("7.2"); null for the practitioner's lesson. */
  readonly section: string | null;
  readonly steps: readonly LessonStep[];
}

/** The state of an Explore preset (the one preset list): the book's examples are presets already. */
function preset(id: string): DocumentChange {
  const p = presetById(id);
  if (!p) throw new Error(`no preset ${id}`);
  return p.state;
}

const EDGE_Y = Array.from({ length: 6 }, () => [0, 1, 0, 0, 0, -1, 0]);

/**
 * d2l's loop with the start of our PyTorch reference (tests/golden/learn_kernel_d2l.json): the
 * book draws the start at random, so its losses differ run to run; from [0.3, 0.2] they are these.
 */
const D2L_LOOP: TrainingModel = {
  ...DEFAULT_TRAINING,
  init: 'explicit',
  initWeight: fromRows([[0.3, 0.2]]),
};

/** A 3×3 Gaussian blur, the practitioner lesson's filter. */
export const GAUSSIAN_3X3 = fromRows(
  [
    [1, 2, 1],
    [2, 4, 2],
    [1, 2, 1],
  ].map((r) => r.map((v) => v / 16)),
);

/**
 * A colour picture made by the app (no licence to worry about): a sky that fades to the
 * horizon, a sun, two hills and a red roof, as three channels R, G, B in [0, 1].
 */
export function colourPicture(n = 24): Matrix[] {
  const r: number[][] = [];
  const g: number[][] = [];
  const b: number[][] = [];
  for (let i = 0; i < n; i++) {
    const rr: number[] = [];
    const gg: number[] = [];
    const bb: number[] = [];
    for (let j = 0; j < n; j++) {
      const y = i / (n - 1);
      const x = j / (n - 1);
      let px: [number, number, number] = [0.35 + 0.4 * y, 0.55 + 0.3 * y, 0.95];
      if (Math.hypot(x - 0.75, y - 0.22) < 0.13) px = [1, 0.85, 0.2];
      const hill1 = 0.62 + 0.12 * Math.cos((x - 0.2) * 5);
      const hill2 = 0.75 + 0.08 * Math.cos((x - 0.8) * 6);
      if (y > hill1) px = [0.25, 0.6, 0.2];
      if (y > hill2) px = [0.15, 0.45, 0.12];
      const inHouse = x > 0.18 && x < 0.42 && y > 0.55 && y < 0.8;
      const inRoof = y <= 0.55 && y > 0.38 && Math.abs(x - 0.3) < (y - 0.38) * 0.8 + 0.01;
      if (inHouse) px = [0.9, 0.88, 0.8];
      if (inRoof) px = [0.8, 0.15, 0.1];
      rr.push(round3(px[0]));
      gg.push(round3(px[1]));
      bb.push(round3(px[2]));
    }
    r.push(rr);
    g.push(gg);
    b.push(bb);
  }
  return [fromRows(r), fromRows(g), fromRows(b)];
}

const round3 = (v: number): number => Math.round(v * 1000) / 1000;

/** The picture's grey (Rec. 601 luma): one channel, so one kernel learns the filter. */
export function greyPicture(n = 24): Matrix {
  const [r, g, b] = colourPicture(n);
  return { ...r, data: r.data.map((v, i) => round3(0.299 * v + 0.587 * g.data[i] + 0.114 * b.data[i])) };
}

/**
 * Learning the filter: a 3×3 kernel from zeros, SGD with momentum on the summed loss, at an lr
 * well inside its limit (0.002 diverges): within 0.002 of the blur in 300 steps.
 */
export const PRACTICE_TRAINING: TrainingModel = {
  ...DEFAULT_TRAINING,
  kernelRows: 3,
  kernelCols: 3,
  init: 'zeros',
  lr: 0.0005,
  steps: 300,
  logEvery: 25,
  loss: 'sum',
  optimizer: 'momentum',
};

/** The practitioner's training steps: the picture's grey, the blur as the target kernel, learning it. */
const PRACTICE_LEARN: DocumentChange = {
  channels: [greyPicture()],
  kernels: [[GAUSSIAN_3X3]],
  training: PRACTICE_TRAINING,
};

export const LESSONS: readonly Lesson[] = [
  {
    id: 's72',
    section: '7.2',
    steps: [
      {
        id: 'corr2d',
        view: 'kernel',
        state: preset('sanity'),
        highlight: { kind: 'y' },
        book: {
          y: [
            [
              [19, 25],
              [37, 43],
            ],
          ],
        },
      },
      {
        id: 'conv2d',
        view: 'kernel',
        state: { ...preset('edge'), biases: [-0.5], activation: 'relu' },
        highlight: { kind: 'window', row: 0, col: 1 },
        book: { y: [Array.from({ length: 6 }, () => [0, 0.5, 0, 0, 0, 0, 0])] },
      },
      {
        id: 'edgeImage',
        view: 'kernel',
        state: preset('edge'),
        highlight: { kind: 'x' },
      },
      {
        id: 'edgeKernel',
        view: 'kernel',
        state: preset('edge'),
        highlight: { kind: 'y' },
        book: { y: [EDGE_Y] },
      },
      {
        id: 'edgeTransposed',
        view: 'kernel',
        state: preset('edgeTransposed'),
        highlight: { kind: 'y' },
        book: { y: [Array.from({ length: 8 }, () => [0, 0, 0, 0, 0])] },
      },
      {
        id: 'learn',
        view: 'train',
        state: { ...preset('edge'), training: D2L_LOOP },
        highlight: { kind: 'chart' },
        book: {
          losses: [
            { step: 2, loss: 6.835968 },
            { step: 4, loss: 1.7272719330508786 },
            { step: 6, loss: 0.5275145829489198 },
            { step: 8, loss: 0.1858750107686816 },
            { step: 10, loss: 0.07106853034667783 },
          ],
          weight: [[1.015890791306235, -0.962203700106235]],
        },
      },
      {
        id: 'convolution',
        view: 'kernel',
        state: preset('convolveVsCorrelate'),
        highlight: { kind: 'k' },
        book: {
          y: [
            [
              [5, 11],
              [23, 29],
            ],
          ],
        },
      },
      {
        id: 'receptiveField',
        view: 'kernel',
        state: preset('sanity'),
        highlight: { kind: 'window', row: 0, col: 0 },
        book: {
          y: [
            [
              [19, 25],
              [37, 43],
            ],
          ],
        },
      },
      { id: 'diagonal', view: 'kernel', state: preset('diagonal'), exercise: 'diagonal' },
      {
        id: 'zeroTransposed',
        view: 'kernel',
        state: preset('edgeTransposed'),
        exercise: 'zeroTransposed',
      },
      {
        id: 'secondDerivative',
        view: 'train',
        state: { channels: [rampImage()], kernels: [[fromRows([[1, -1]])]] },
        exercise: 'secondDerivative',
      },
    ],
  },
  {
    id: 's73',
    section: '7.3',
    steps: [
      {
        id: 'padSame',
        view: 'layer',
        state: preset('padSame'),
        highlight: { kind: 'shape' },
        book: { shape: [8, 8] },
      },
      {
        id: 'padRect',
        view: 'layer',
        state: preset('padRect'),
        highlight: { kind: 'shape' },
        book: { shape: [8, 8] },
      },
      {
        id: 'strideTwo',
        view: 'layer',
        state: preset('strideTwo'),
        highlight: { kind: 'shape' },
        book: { shape: [4, 4] },
      },
      {
        id: 'strideRect',
        view: 'layer',
        state: preset('strideRect'),
        highlight: { kind: 'shape' },
        book: { shape: [2, 2] },
      },
      { id: 'outputShape', view: 'layer', state: preset('strideRect'), exercise: 'outputShape' },
    ],
  },
  {
    id: 's74',
    section: '7.4',
    steps: [
      {
        id: 'multiIn',
        view: 'kernel',
        state: preset('twoChannels'),
        highlight: { kind: 'window', row: 0, col: 0 },
        book: {
          y: [
            [
              [56, 72],
              [104, 120],
            ],
          ],
        },
      },
      {
        id: 'multiOut',
        view: 'layer',
        state: preset('threeOutputs'),
        highlight: { kind: 'y' },
        book: {
          y: [
            [
              [56, 72],
              [104, 120],
            ],
            [
              [76, 100],
              [148, 172],
            ],
            [
              [96, 128],
              [192, 224],
            ],
          ],
        },
      },
      {
        id: 'oneByOne',
        view: 'layer',
        state: preset('oneByOne'),
        highlight: { kind: 'y' },
        book: {
          y: [
            [
              [-2, -2, -2],
              [-2, -2, -2],
              [-2, -2, -2],
            ],
            [
              [0.5, 1.5, 2.5],
              [3.5, 4.5, 5.5],
              [6.5, 7.5, 8.5],
            ],
          ],
        },
      },
      { id: 'cost', view: 'layer', state: preset('threeOutputs'), exercise: 'cost' },
    ],
  },
  {
    id: 'practice',
    section: null,
    steps: [
      {
        id: 'pair',
        view: 'layer',
        state: { channels: colourPicture(), kernels: perChannel(GAUSSIAN_3X3, 3) },
        highlight: { kind: 'y' },
      },
      {
        id: 'learnFilter',
        view: 'train',
        state: PRACTICE_LEARN,
        highlight: { kind: 'chart' },
      },
      {
        id: 'export',
        view: 'train',
        state: PRACTICE_LEARN,
      },
      {
        id: 'ownPair',
        view: 'train',
        state: PRACTICE_LEARN,
      },
    ],
  },
];

export function lessonById(id: LessonId): Lesson {
  const lesson = LESSONS.find((l) => l.id === id);
  if (!lesson) throw new Error(`no lesson ${id}`);
  return lesson;
}

/** A step's key, unique over every lesson ("s72.corr2d"): what progress records and the catalogs name. */
export function stepKey(lesson: Lesson, step: LessonStep): string {
  return `${lesson.id}.${step.id}`;
}
