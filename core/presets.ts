/**
 * One-click presets for the Explore view: d2l's cases, classic kernels and the
 * d2l exercises. Pure data; names and "what to notice" notes live in the i18n
 * catalogs under `preset.<id>.name` / `preset.<id>.note`.
 */
import { fromRows, transpose, type Matrix } from './matrix';
import type { Activation, Mode } from './types';

export type PresetGroup = 'd2l' | 'classic' | 'exercises';
export const PRESET_GROUPS: readonly PresetGroup[] = ['d2l', 'classic', 'exercises'];

export interface Preset {
  readonly id: string;
  readonly group: PresetGroup;
  /** The image X; for kernel-only presets a demo image used when the current X is small. */
  readonly x: Matrix;
  readonly k: Matrix;
  /** true: keep the user's X when it is at least 8×8 (classic kernels on your own picture). */
  readonly keepLargeX?: boolean;
  readonly mode?: Mode;
  readonly bias?: number;
  readonly activation?: Activation;
  /** Open the matrix-product (im2col) view. */
  readonly showIm2col?: boolean;
}

/** d2l's 3×3 image 0…8. */
export function sanityImage(): Matrix {
  return fromRows([
    [0, 1, 2],
    [3, 4, 5],
    [6, 7, 8],
  ]);
}

/** d2l's 6×8 image: white (1) with columns 2–5 black (0). */
export function edgeImage(): Matrix {
  return fromRows(Array.from({ length: 6 }, () => [1, 1, 0, 0, 0, 0, 1, 1]));
}

/** An n×n image, 1 on and above the diagonal, 0 below: one diagonal edge. */
export function diagonalImage(n = 8): Matrix {
  return fromRows(Array.from({ length: n }, (_, r) => Array.from({ length: n }, (_, c) => (c >= r ? 1 : 0))));
}

/** A 24×24 demo picture: a filled square, a ring and a diagonal bar on black. */
export function shapesImage(n = 24): Matrix {
  const rows: number[][] = [];
  for (let r = 0; r < n; r++) {
    const row: number[] = [];
    for (let c = 0; c < n; c++) {
      const square = r >= 3 && r < 10 && c >= 3 && c < 10;
      const d = Math.hypot(r - 16, c - 16);
      const ring = d >= 3.5 && d <= 5.5;
      const bar = Math.abs(r - (n - 1 - c)) <= 1 && r < 11 && c > 12;
      row.push(square || ring || bar ? 1 : 0);
    }
    rows.push(row);
  }
  return fromRows(rows);
}

/** A horizontal ramp with a kink, to show what a second derivative responds to. */
export function rampImage(): Matrix {
  return fromRows(Array.from({ length: 6 }, () => [0, 0, 0, 1, 2, 3, 4, 4, 4, 4]));
}

/** A 3×3 first-derivative (Sobel) kernel for the direction v = (cos θ, sin θ), θ in degrees, x right, y down. */
export function directionalEdgeKernel(degrees: number): Matrix {
  const t = (degrees * Math.PI) / 180;
  const cx = Math.cos(t);
  const cy = Math.sin(t);
  const sx = [
    [-1, 0, 1],
    [-2, 0, 2],
    [-1, 0, 1],
  ];
  return fromRows(sx.map((row, r) => row.map((v, c) => round6(cx * v + cy * sx[c][r]))));
}

function round6(v: number): number {
  const r = Math.round(v * 1e6) / 1e6;
  return r === 0 ? 0 : r;
}

function box(n: number): Matrix {
  return fromRows(Array.from({ length: n }, () => Array.from({ length: n }, () => 1 / (n * n))));
}

const K_EDGE = fromRows([[1, -1]]);
const K3 = (rows: number[][]): Matrix => fromRows(rows);

export const PRESETS: readonly Preset[] = [
  // d2l's examples.
  {
    id: 'sanity',
    group: 'd2l',
    x: sanityImage(),
    k: fromRows([
      [0, 1],
      [2, 3],
    ]),
  },
  {
    id: 'convolveVsCorrelate',
    group: 'd2l',
    x: sanityImage(),
    k: fromRows([
      [0, 1],
      [2, 3],
    ]),
    mode: 'convolve',
  },
  { id: 'edge', group: 'd2l', x: edgeImage(), k: K_EDGE },
  { id: 'edgeTransposed', group: 'd2l', x: transpose(edgeImage()), k: K_EDGE },
  // Classic kernels.
  {
    id: 'identity',
    group: 'classic',
    x: shapesImage(),
    keepLargeX: true,
    k: K3([
      [0, 0, 0],
      [0, 1, 0],
      [0, 0, 0],
    ]),
  },
  { id: 'boxBlur', group: 'classic', x: shapesImage(), keepLargeX: true, k: box(3) },
  {
    id: 'gaussian',
    group: 'classic',
    x: shapesImage(),
    keepLargeX: true,
    k: K3(
      [
        [1, 2, 1],
        [2, 4, 2],
        [1, 2, 1],
      ].map((r) => r.map((v) => v / 16)),
    ),
  },
  {
    id: 'sharpen',
    group: 'classic',
    x: shapesImage(),
    keepLargeX: true,
    k: K3([
      [0, -1, 0],
      [-1, 5, -1],
      [0, -1, 0],
    ]),
  },
  {
    id: 'sobelX',
    group: 'classic',
    x: shapesImage(),
    keepLargeX: true,
    k: K3([
      [-1, 0, 1],
      [-2, 0, 2],
      [-1, 0, 1],
    ]),
  },
  {
    id: 'sobelY',
    group: 'classic',
    x: shapesImage(),
    keepLargeX: true,
    k: K3([
      [-1, -2, -1],
      [0, 0, 0],
      [1, 2, 1],
    ]),
  },
  {
    id: 'prewitt',
    group: 'classic',
    x: shapesImage(),
    keepLargeX: true,
    k: K3([
      [-1, 0, 1],
      [-1, 0, 1],
      [-1, 0, 1],
    ]),
  },
  {
    id: 'laplacian',
    group: 'classic',
    x: shapesImage(),
    keepLargeX: true,
    k: K3([
      [0, 1, 0],
      [1, -4, 1],
      [0, 1, 0],
    ]),
  },
  {
    id: 'emboss',
    group: 'classic',
    x: shapesImage(),
    keepLargeX: true,
    k: K3([
      [-2, -1, 0],
      [-1, 1, 1],
      [0, 1, 2],
    ]),
  },
  // d2l exercises.
  { id: 'diagonal', group: 'exercises', x: diagonalImage(), k: K_EDGE },
  { id: 'diagonalTransposeX', group: 'exercises', x: transpose(diagonalImage()), k: K_EDGE },
  { id: 'diagonalTransposeK', group: 'exercises', x: diagonalImage(), k: transpose(K_EDGE) },
  {
    id: 'edgeDirection',
    group: 'exercises',
    x: shapesImage(),
    keepLargeX: true,
    k: directionalEdgeKernel(45),
  },
  { id: 'secondDerivative', group: 'exercises', x: rampImage(), k: fromRows([[1, -2, 1]]) },
  { id: 'blur', group: 'exercises', x: shapesImage(), keepLargeX: true, k: box(5) },
  {
    id: 'matrixProduct',
    group: 'exercises',
    x: fromRows([
      [1, 2, 0, 1],
      [0, 1, 3, 1],
      [2, 0, 1, 2],
    ]),
    k: fromRows([
      [1, -1],
      [0, 2],
    ]),
    showIm2col: true,
  },
];

export function presetById(id: string): Preset | undefined {
  return PRESETS.find((p) => p.id === id);
}

/** The X a preset gives when applied on top of the current X. */
export function presetImage(preset: Preset, current: Matrix): Matrix {
  return preset.keepLargeX && current.rows >= 8 && current.cols >= 8 ? current : preset.x;
}

/**
 * d2l's "Padding and Stride" and "Multiple Input and Multiple Output Channels" examples as
 * whole layers (X as channels, O×C kernels, geometry); names and notes in the i18n catalogs
 * under `layerPreset.<id>`.
 */
export interface LayerPreset {
  readonly id: string;
  readonly channels: readonly Matrix[];
  readonly kernels: readonly (readonly Matrix[])[];
  readonly stride?: readonly [number, number];
  readonly padding?: readonly [number, number];
}

const plus = (m: Matrix, v: number): Matrix => ({ ...m, data: m.data.map((x) => x + v) });
/** d2l's 2×3×3 X: 0…8 and 1…9. */
const d2lX = (): Matrix[] => [sanityImage(), plus(sanityImage(), 1)];
/** d2l's 2×2×2 K: [[0, 1], [2, 3]] and [[1, 2], [3, 4]]. */
const d2lK = (): Matrix[] => {
  const k = fromRows([
    [0, 1],
    [2, 3],
  ]);
  return [k, plus(k, 1)];
};
/** An 8×8 ramp 0…63 (d2l draws a random 8×8 X; only the shape matters there). */
const ramp8 = (): Matrix =>
  fromRows(Array.from({ length: 8 }, (_, r) => Array.from({ length: 8 }, (_, c) => r * 8 + c)));
const ones = (rows: number, cols: number): Matrix =>
  fromRows(Array.from({ length: rows }, () => Array(cols).fill(1)));

export const LAYER_PRESETS: readonly LayerPreset[] = [
  { id: 'twoChannels', channels: d2lX(), kernels: [d2lK()] },
  { id: 'threeOutputs', channels: d2lX(), kernels: [0, 1, 2].map((v) => d2lK().map((k) => plus(k, v))) },
  {
    id: 'oneByOne',
    channels: [sanityImage(), plus(sanityImage(), 1), plus(sanityImage(), 2)],
    kernels: [
      [fromRows([[1]]), fromRows([[0]]), fromRows([[-1]])],
      [fromRows([[0.5]]), fromRows([[0.5]]), fromRows([[0]])],
    ],
  },
  { id: 'padSame', channels: [ramp8()], kernels: [[ones(3, 3)]], padding: [1, 1] },
  { id: 'padRect', channels: [ramp8()], kernels: [[ones(5, 3)]], padding: [2, 1] },
  { id: 'strideTwo', channels: [ramp8()], kernels: [[ones(3, 3)]], padding: [1, 1], stride: [2, 2] },
  { id: 'strideRect', channels: [ramp8()], kernels: [[ones(3, 5)]], padding: [0, 1], stride: [3, 4] },
];
