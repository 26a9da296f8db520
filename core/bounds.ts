/**
 * Every numeric bound a user can type or a file can state, in one table. The UI's fields,
 * core's validator, the workspace schema and the CLI's options all read it (LIMITS in types.ts
 * and LAYER_LIMITS in layer.ts are views of it), so whatever one accepts the others accept,
 * save and reopen. Numbers are read with one grammar, core/formats/numbers.ts's `parseDecimal`.
 */
import { parseDecimal } from './formats/numbers';

export interface NumberBound {
  readonly min: number;
  readonly max: number;
  /** Whole numbers only. */
  readonly whole: boolean;
}

const real = (min: number, max: number): NumberBound => ({ min, max, whole: false });
const whole = (min: number, max: number): NumberBound => ({ min, max, whole: true });

export const BOUNDS = {
  /** Learning rate. */
  lr: real(1e-12, 1e6),
  /** Steps of one Run. */
  steps: whole(1, 10_000_000),
  logEvery: whole(1, 10_000_000),
  /** mulberry32 takes a 32-bit seed. */
  seed: whole(0, 2 ** 32 - 1),
  /** Any bias a user types: K's, the target's, the initial one. */
  bias: real(-1e6, 1e6),
  /** A grid cell or the brush value. */
  value: real(-1e6, 1e6),
  /** Rows or columns of a kernel: 1×1 to 31×31. */
  kernelSide: whole(1, 31),
  /** Rows or columns of an image the editor draws (the file limit, fileImageSide, is larger). */
  imageSide: whole(1, 256),
  /** Rows or columns of an image read from a file (the CLI's X and Y, an imported grid). */
  fileImageSide: whole(1, 4096),
  /** Input or output channels of a layer. */
  channels: whole(1, 64),
  stride: whole(1, 64),
  padding: whole(0, 64),
  dilation: whole(1, 64),
} as const satisfies Record<string, NumberBound>;

/** Values in one array read from a file or made by the CLI (an image stack, a weight, Y): 256 MiB of float32. */
export const MAX_ARRAY_VALUES = 4 * 4096 * 4096;

/**
 * The most multiply-adds the app does in one piece of work: one live pass of Y in Explore, the
 * target Y of a run, one training step (its forward pass and weight gradient). Past this (about
 * 3 s on a laptop's CPU, 15 s under software WebGPU) the app would seem frozen and a run could
 * not be paused between steps; what exceeds it is refused before any work, with a message that
 * says how much and why. The CLI has no such budget.
 */
export const COMPUTE_BUDGET = 2e9;

export type BoundName = keyof typeof BOUNDS;

/** Which bound each numeric training setting has: the settings form and the workspace schema read this. */
export const TRAINING_BOUNDS = {
  kernelRows: BOUNDS.kernelSide,
  kernelCols: BOUNDS.kernelSide,
  seed: BOUNDS.seed,
  initBias: BOUNDS.bias,
  lr: BOUNDS.lr,
  steps: BOUNDS.steps,
  logEvery: BOUNDS.logEvery,
  targetBias: BOUNDS.bias,
} as const satisfies Record<string, NumberBound>;

export type NumericSetting = keyof typeof TRAINING_BOUNDS;

/** Is `v` inside the bound? */
export function withinBound(v: number, b: NumberBound): boolean {
  return Number.isFinite(v) && v >= b.min && v <= b.max && (!b.whole || Number.isInteger(v));
}

/**
 * What a user typed, as a number inside the bound, or null. Only a plain
 * decimal or exponent number counts: `--5`, `1.2.3`, `1e999` and an empty field
 * are refused rather than silently becoming 0 or Infinity.
 */
export function parseBounded(text: string, b: NumberBound): number | null {
  const v = parseDecimal(text.trim());
  return v !== undefined && withinBound(v, b) ? v : null;
}

/** "a whole number from 1 to 64", "a number from 1e-12 to 1e6": what a message says a bound takes. */
export function boundText(b: NumberBound): string {
  return `${b.whole ? 'a whole number' : 'a number'} from ${formatBoundEnd(b.min)} to ${formatBoundEnd(b.max)}`;
}

/** A bound's end as a field's message writes it: 1e-12, 1e6, 31, -1000000 → -1e6. */
export function formatBoundEnd(v: number): string {
  const big = Math.abs(v) >= 1e5 || (v !== 0 && Math.abs(v) < 1e-3);
  return big ? v.toExponential().replace('e+', 'e') : String(v);
}
