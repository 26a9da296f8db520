/**
 * The gate between untrusted input (files, IPC, the CLI, grid edits) and the engine.
 * Every check throws a `KernelStudioError` whose message is one line a user can act on,
 * and every size check runs before anything is allocated.
 */
import { KernelStudioError } from './errors';
import type { Matrix } from './matrix';
import type { ForwardParams, TrainConfig } from './types';
import { BOUNDS, formatBoundEnd, withinBound } from './bounds';
import { LIMITS } from './types';

function shape(m: Matrix): string {
  return `${m.rows}×${m.cols}`;
}

/** Parses nested arrays of numbers into a Matrix; `name` (e.g. "the image X") prefixes every message. */
export function matrixFromRows(value: unknown, name: string, maxSide: number = LIMITS.maxImageSide): Matrix {
  if (!Array.isArray(value))
    throw new KernelStudioError('invalid-argument', `${name} must be a list of rows.`);
  const rows = value.length;
  if (rows === 0) throw new KernelStudioError('empty', `${name} is empty: it needs at least one row.`);
  const first: unknown = value[0];
  if (!Array.isArray(first))
    throw new KernelStudioError('invalid-argument', `${name} row 1 is not a list of numbers.`);
  const cols = first.length;
  if (cols === 0) throw new KernelStudioError('empty', `${name} is empty: its rows have no values.`);
  if (rows > maxSide || cols > maxSide)
    throw new KernelStudioError(
      'too-large',
      `${name} is ${rows}×${cols}, over the limit of ${maxSide}×${maxSide}.`,
    );
  const data = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const row: unknown = value[r];
    if (!Array.isArray(row))
      throw new KernelStudioError('invalid-argument', `${name} row ${r + 1} is not a list of numbers.`);
    if (row.length !== cols)
      throw new KernelStudioError(
        'ragged',
        `${name} row ${r + 1} has ${row.length} values but row 1 has ${cols}.`,
      );
    for (let c = 0; c < cols; c++) {
      const v: unknown = row[c];
      if (typeof v !== 'number')
        throw new KernelStudioError(
          'invalid-argument',
          `${name} at row ${r + 1}, column ${c + 1} is not a number.`,
        );
      if (!Number.isFinite(v))
        throw new KernelStudioError(
          'non-finite',
          `${name} at row ${r + 1}, column ${c + 1} is ${v}: values must be finite.`,
        );
      data[r * cols + c] = v;
    }
  }
  return { rows, cols, data };
}

/** Checks that a Matrix built elsewhere is well formed: integer shape, matching data, finite values. */
export function checkMatrix(m: Matrix, name: string, maxSide: number = LIMITS.maxImageSide): void {
  if (!Number.isInteger(m.rows) || !Number.isInteger(m.cols) || m.rows < 0 || m.cols < 0)
    throw new KernelStudioError('invalid-argument', `${name} has an invalid shape ${m.rows}×${m.cols}.`);
  if (m.rows === 0 || m.cols === 0) throw new KernelStudioError('empty', `${name} is empty (${shape(m)}).`);
  if (m.rows > maxSide || m.cols > maxSide)
    throw new KernelStudioError(
      'too-large',
      `${name} is ${shape(m)}, over the limit of ${maxSide}×${maxSide}.`,
    );
  if (!(m.data instanceof Float32Array) || m.data.length !== m.rows * m.cols)
    throw new KernelStudioError(
      'invalid-argument',
      `${name} says ${shape(m)} but holds ${m.data?.length} values.`,
    );
  checkFinite(m, name);
}

/** Throws on the first NaN or ±Infinity, saying where it is. */
export function checkFinite(m: Matrix, name: string): void {
  const d = m.data;
  for (let i = 0; i < d.length; i++) {
    if (!Number.isFinite(d[i])) {
      const row = Math.floor(i / m.cols) + 1;
      const col = (i % m.cols) + 1;
      throw new KernelStudioError(
        'non-finite',
        `${name} at row ${row}, column ${col} is ${d[i]}: values must be finite.`,
      );
    }
  }
}

/** Checks X and K for one forward pass: both sane, and K no larger than X in either axis. */
export function checkForward(x: Matrix, k: Matrix): void {
  checkMatrix(x, 'The image X');
  checkMatrix(k, 'The kernel K', LIMITS.maxKernelSide);
  if (k.rows > x.rows || k.cols > x.cols)
    throw new KernelStudioError(
      'kernel-too-large',
      `Kernel K is ${shape(k)} but the image X is only ${shape(x)}: the kernel must fit inside the image.`,
    );
}

/** Checks the scalar forward parameters. */
export function checkForwardParams(params: ForwardParams): void {
  if (params.mode !== 'correlate' && params.mode !== 'convolve')
    throw new KernelStudioError(
      'invalid-argument',
      `Unknown mode "${String(params.mode)}": use correlate or convolve.`,
    );
  if (params.activation !== 'none' && params.activation !== 'relu')
    throw new KernelStudioError(
      'invalid-argument',
      `Unknown activation "${String(params.activation)}": use none or relu.`,
    );
  if (!Number.isFinite(params.bias))
    throw new KernelStudioError('non-finite', `The bias is ${params.bias}: it must be a finite number.`);
}

function checkRate(
  value: number | undefined,
  name: string,
  min: number,
  max: number,
  inclusiveMin: boolean,
): void {
  if (value === undefined) return;
  const ok = Number.isFinite(value) && (inclusiveMin ? value >= min : value > min) && value < max;
  if (!ok)
    throw new KernelStudioError(
      'invalid-argument',
      `${name} is ${value}: it must be ${inclusiveMin ? '≥' : '>'} ${min} and < ${max}.`,
    );
}

/** Checks a whole training setup, including that Y has the shape the forward pass produces. */
export function checkTrainConfig(config: TrainConfig): void {
  checkForward(config.x, config.initWeight);
  checkForwardParams({ mode: config.mode, activation: config.activation, bias: config.initBias });
  checkMatrix(config.y, 'The target Y');
  const oh = config.x.rows - config.initWeight.rows + 1;
  const ow = config.x.cols - config.initWeight.cols + 1;
  if (config.y.rows !== oh || config.y.cols !== ow)
    throw new KernelStudioError(
      'invalid-argument',
      `The target Y is ${shape(config.y)} but a ${shape(config.initWeight)} kernel on a ${shape(config.x)} image gives ${oh}×${ow}.`,
    );
  if (config.loss !== 'sum' && config.loss !== 'mean')
    throw new KernelStudioError(
      'invalid-argument',
      `Unknown loss "${String(config.loss)}": use sum or mean.`,
    );
  const opt = config.optimizer;
  if (opt.kind !== 'sgd' && opt.kind !== 'momentum' && opt.kind !== 'adam')
    throw new KernelStudioError(
      'invalid-argument',
      `Unknown optimizer "${String(opt.kind)}": use sgd, momentum or adam.`,
    );
  if (!withinBound(opt.lr, BOUNDS.lr))
    throw new KernelStudioError(
      'invalid-argument',
      `The learning rate is ${opt.lr}: it must be from ${formatBoundEnd(BOUNDS.lr.min)} to ${formatBoundEnd(BOUNDS.lr.max)}.`,
    );
  checkRate(opt.momentum, 'The momentum', 0, 1, true);
  checkRate(opt.beta1, 'Adam beta1', 0, 1, true);
  checkRate(opt.beta2, 'Adam beta2', 0, 1, true);
  checkRate(opt.eps, 'Adam epsilon', 0, Infinity, false);
}

/** Checks a step count passed to `Trainer.run`. */
export function checkSteps(steps: number): void {
  if (!Number.isInteger(steps) || steps < 0)
    throw new KernelStudioError(
      'invalid-argument',
      `The number of steps is ${steps}: it must be a whole number ≥ 0.`,
    );
}
