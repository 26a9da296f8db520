/**
 * One-click presets: d2l's cases, classic kernels, the d2l exercises and d2l's channel, padding
 * and stride examples, as ONE list of document states. A preset names part of a document (X's
 * channels, the O×C kernels, biases, stride, padding, dilation, mode, activation: a `LayerState`)
 * and everything it does not name comes from the one defaults owner (`defaultLayer`: one
 * channel, stride 1, padding 0, dilation 1, bias 0), so no preset keeps the previous geometry.
 * `documentState` turns a preset's state (or any partial state: a lesson step) into the whole
 * state a document takes, Train settings included; the renderer applies that as one undo step
 * (`ExploreSession.applyState`). Names and "what to notice" notes live in the i18n catalogs under
 * `preset.<id>.name` / `preset.<id>.note` (`layerPreset.<id>` for the layer group).
 */
import { perChannel, type LayerFields } from './layer-stack';
import { fromRows, transpose, type Matrix } from './matrix';
import { fitTraining } from './train/fit';
import type { Mode } from './types';
import { wholeLayer, type LayerState, type TrainingModel, type WorkspaceDocument } from './workspace/model';

/** The groups of Explore's preset list; the 'layer' group sits in the layer panel. */
export const PRESET_GROUPS = ['d2l', 'classic', 'exercises'] as const;
export type PresetGroup = (typeof PRESET_GROUPS)[number] | 'layer';

export interface Preset {
  readonly id: string;
  readonly group: PresetGroup;
  /** The part of the document it names; the rest is `defaultLayer()`'s. */
  readonly state: LayerState;
  /**
   * Present when the preset names only K (a classic kernel, one kernel in `state.kernels`): the
   * user's own X of at least 8×8 stays (a photo), K applying to each of its channels
   * (`perChannel`: a colour X gives a colour Y); a smaller X gives way to this demo picture.
   */
  readonly demoX?: Matrix;
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
/** A one-channel preset: X and K, optionally the mode. */
const one = (x: Matrix, k: Matrix, mode?: Mode): LayerState => ({
  channels: [x],
  kernels: [[k]],
  ...(mode && { mode }),
});
/** A classic kernel: names only K (the user's X stays; the demo picture otherwise). */
const classic = (id: string, group: PresetGroup, k: Matrix): Preset => ({
  id,
  group,
  state: { kernels: [[k]] },
  demoX: shapesImage(),
});

const SANITY_K = (): Matrix =>
  fromRows([
    [0, 1],
    [2, 3],
  ]);

const plus = (m: Matrix, v: number): Matrix => ({ ...m, data: m.data.map((x) => x + v) });
/** d2l's 2×3×3 X: 0…8 and 1…9. */
const d2lX = (): Matrix[] => [sanityImage(), plus(sanityImage(), 1)];
/** d2l's 2×2×2 K: [[0, 1], [2, 3]] and [[1, 2], [3, 4]]. */
const d2lK = (): Matrix[] => [SANITY_K(), plus(SANITY_K(), 1)];
/** An 8×8 ramp 0…63 (d2l draws a random 8×8 X; only the shape matters there). */
const ramp8 = (): Matrix =>
  fromRows(Array.from({ length: 8 }, (_, r) => Array.from({ length: 8 }, (_, c) => r * 8 + c)));
const ones = (rows: number, cols: number): Matrix =>
  fromRows(Array.from({ length: rows }, () => Array(cols).fill(1)));
const layer = (id: string, state: LayerState): Preset => ({ id, group: 'layer', state });

/** Every preset, once: Explore's list (d2l, classic, exercises) and the layer panel's (layer). */
export const PRESETS: readonly Preset[] = [
  // d2l's examples.
  { id: 'sanity', group: 'd2l', state: one(sanityImage(), SANITY_K()) },
  { id: 'convolveVsCorrelate', group: 'd2l', state: one(sanityImage(), SANITY_K(), 'convolve') },
  { id: 'edge', group: 'd2l', state: one(edgeImage(), K_EDGE) },
  { id: 'edgeTransposed', group: 'd2l', state: one(transpose(edgeImage()), K_EDGE) },
  // Classic kernels.
  classic(
    'identity',
    'classic',
    K3([
      [0, 0, 0],
      [0, 1, 0],
      [0, 0, 0],
    ]),
  ),
  classic('boxBlur', 'classic', box(3)),
  classic(
    'gaussian',
    'classic',
    K3(
      [
        [1, 2, 1],
        [2, 4, 2],
        [1, 2, 1],
      ].map((r) => r.map((v) => v / 16)),
    ),
  ),
  classic(
    'sharpen',
    'classic',
    K3([
      [0, -1, 0],
      [-1, 5, -1],
      [0, -1, 0],
    ]),
  ),
  classic(
    'sobelX',
    'classic',
    K3([
      [-1, 0, 1],
      [-2, 0, 2],
      [-1, 0, 1],
    ]),
  ),
  classic(
    'sobelY',
    'classic',
    K3([
      [-1, -2, -1],
      [0, 0, 0],
      [1, 2, 1],
    ]),
  ),
  classic(
    'prewitt',
    'classic',
    K3([
      [-1, 0, 1],
      [-1, 0, 1],
      [-1, 0, 1],
    ]),
  ),
  classic(
    'laplacian',
    'classic',
    K3([
      [0, 1, 0],
      [1, -4, 1],
      [0, 1, 0],
    ]),
  ),
  classic(
    'emboss',
    'classic',
    K3([
      [-2, -1, 0],
      [-1, 1, 1],
      [0, 1, 2],
    ]),
  ),
  // d2l exercises.
  { id: 'diagonal', group: 'exercises', state: one(diagonalImage(), K_EDGE) },
  { id: 'diagonalTransposeX', group: 'exercises', state: one(transpose(diagonalImage()), K_EDGE) },
  { id: 'diagonalTransposeK', group: 'exercises', state: one(diagonalImage(), transpose(K_EDGE)) },
  classic('edgeDirection', 'exercises', directionalEdgeKernel(45)),
  { id: 'secondDerivative', group: 'exercises', state: one(rampImage(), fromRows([[1, -2, 1]])) },
  classic('blur', 'exercises', box(5)),
  {
    id: 'matrixProduct',
    group: 'exercises',
    state: one(
      fromRows([
        [1, 2, 0, 1],
        [0, 1, 3, 1],
        [2, 0, 1, 2],
      ]),
      fromRows([
        [1, -1],
        [0, 2],
      ]),
    ),
    showIm2col: true,
  },
  // d2l's "Padding and Stride" and "Multiple Input and Multiple Output Channels" examples.
  layer('twoChannels', { channels: d2lX(), kernels: [d2lK()] }),
  layer('threeOutputs', { channels: d2lX(), kernels: [0, 1, 2].map((v) => d2lK().map((k) => plus(k, v))) }),
  layer('oneByOne', {
    channels: [sanityImage(), plus(sanityImage(), 1), plus(sanityImage(), 2)],
    kernels: [
      [fromRows([[1]]), fromRows([[0]]), fromRows([[-1]])],
      [fromRows([[0.5]]), fromRows([[0.5]]), fromRows([[0]])],
    ],
  }),
  layer('padSame', { channels: [ramp8()], kernels: [[ones(3, 3)]], padding: [1, 1] }),
  layer('padRect', { channels: [ramp8()], kernels: [[ones(5, 3)]], padding: [2, 1] }),
  layer('strideTwo', { channels: [ramp8()], kernels: [[ones(3, 3)]], padding: [1, 1], stride: [2, 2] }),
  layer('strideRect', { channels: [ramp8()], kernels: [[ones(3, 5)]], padding: [0, 1], stride: [3, 4] }),
  // Dilation 2: the 3×3 kernel's taps spread over 5×5, so 8×8 gives 4×4.
  layer('dilationTwo', { channels: [ramp8()], kernels: [[ones(3, 3)]], dilation: [2, 2] }),
];

/** The layer panel's presets (the 'layer' group). */
export const LAYER_PRESETS: readonly Preset[] = PRESETS.filter((p) => p.group === 'layer');

export function presetById(id: string): Preset | undefined {
  return PRESETS.find((p) => p.id === id);
}

/** The preset's first kernel (a one-channel preset's K). */
export function presetKernel(p: Preset): Matrix {
  return wholeLayer(p.state).kernels[0][0];
}

/** The user's X is kept by a preset that names only K when it is at least this many rows and columns. */
export const KEEP_X_MIN_SIDE = 8;

/**
 * The state a preset names on top of the current X: its own state, or, for a preset that names
 * only K (`demoX`), the user's X when it is at least 8×8 (else the demo picture) with K applied
 * to each of its channels. Nothing else of the current document carries over.
 */
export function presetState(p: Preset, current: Pick<LayerFields, 'channels'>): LayerState {
  if (!p.demoX) return p.state;
  const x = current.channels[0];
  const keep = x.rows >= KEEP_X_MIN_SIDE && x.cols >= KEEP_X_MIN_SIDE;
  const channels = keep ? current.channels : [p.demoX];
  return { ...p.state, channels, kernels: perChannel(presetKernel(p), channels.length) };
}

/** A partial document: the layer fields a preset or a lesson step names, and any Train settings it names. */
export type DocumentChange = LayerState & { readonly training?: Partial<TrainingModel> };

/** A whole document state: the layer and the Train settings that go with it. */
export type DocumentState = LayerFields & { readonly training: TrainingModel };

/**
 * The one way a partial state (a preset's `presetState`, a lesson step) becomes a whole document
 * state: the layer made whole from the defaults (`wholeLayer`), and the user's Train settings
 * fitted to it (`fitTraining`: learn K's whole shape at an lr that converges), then any Train
 * settings the state names itself. Pure; throws a one-line error for arrays that do not fit.
 */
export function documentState(
  change: DocumentChange,
  user: Pick<WorkspaceDocument, 'training' | 'drawnTarget'>,
): DocumentState {
  const { training: named, ...state } = change;
  const layer = wholeLayer(state);
  const fitted = fitTraining({ ...layer, drawnTarget: user.drawnTarget, training: user.training });
  return { ...layer, training: named ? { ...fitted, ...named } : fitted };
}
