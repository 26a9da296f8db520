/**
 * The gate between untrusted input (files, IPC, the CLI, grid edits) and the engine.
 * Every check throws a `KernelStudioError` whose message is one line a user can act on,
 * and every size check runs before anything is allocated.
 */
import { KernelStudioError } from './errors';
import type { ConvSpec, Shape2 } from './layer';
import {
  checkConvSpec,
  checkModeAndActivation,
  LAYER_LIMITS,
  layerOutputShape,
  outputShape,
  validGeometry,
} from './layer';
import type { LayerTrainConfig } from './layer-types';
import type { Matrix } from './matrix';
import type { Tensor3, Weights } from './tensor';
import type { ForwardParams, LossKind, OptimizerSpec, TrainConfig } from './types';
import { BOUNDS, formatBoundEnd, withinBound } from './bounds';
import { LIMITS, LOSS_KINDS, OPTIMIZER_KINDS } from './types';
import type { Hyperparameter, HyperparameterName } from './optimizers';
import { HYPERPARAMETERS, OPTIMIZERS } from './optimizers';

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

/**
 * Checks a file's declared shape before anything is allocated from it: every dimension a whole
 * number from 1 to `maxSide`. A zero dimension would make a size check pass (0 bytes) while the
 * other one is absurd, e.g. `(99999999999, 0)`; `1e300` is an integer to JavaScript.
 */
export function checkDimensions(
  dims: readonly number[],
  name: string,
  maxSide: number = LIMITS.maxImageSide,
): void {
  const text = `(${dims.join(', ')})`;
  if (!dims.every((d) => Number.isSafeInteger(d) && d >= 0))
    throw new KernelStudioError('format', `${name}: shape ${text} is not a list of whole sizes.`);
  if (dims.includes(0))
    throw new KernelStudioError('empty', `${name}: shape ${text} has a zero dimension; the grid is empty.`);
  if (dims.some((d) => d > maxSide))
    throw new KernelStudioError(
      'too-large',
      `${name}: shape ${text} is over the limit of ${maxSide}×${maxSide}.`,
    );
}

/** Checks that a Matrix built elsewhere is well formed: integer shape, matching data, finite values. */
export function checkMatrix(
  m: Matrix,
  name: string,
  maxSide: number = LIMITS.maxImageSide,
  checkValues = true,
): void {
  if (!Number.isInteger(m.rows) || !Number.isInteger(m.cols) || m.rows < 0 || m.cols < 0)
    throw new KernelStudioError('invalid-argument', `${name} has an invalid shape ${m.rows}×${m.cols}.`);
  if (m.rows === 0 || m.cols === 0) throw new KernelStudioError('empty', `${name} is empty (${shape(m)}).`);
  if (m.rows > maxSide || m.cols > maxSide)
    throw new KernelStudioError(
      'too-large',
      `${name} is ${shape(m)}, over the limit of ${maxSide}×${maxSide}.`,
    );
  if (!checkValues) return;
  if (!(m.data instanceof Float32Array) || m.data.length !== m.rows * m.cols)
    throw new KernelStudioError(
      'invalid-argument',
      `${name} says ${shape(m)} but holds ${m.data?.length} values.`,
    );
  checkFinite(m, name);
}

/**
 * Whether every value is finite, in one pass without branches: v·0 is ±0 for a finite v and NaN
 * for NaN or ±Infinity, and NaN sticks to the sum. The checks below look for where only when it fails.
 */
export function allFinite(d: Float32Array): boolean {
  let sum = 0;
  for (let i = 0; i < d.length; i++) sum += d[i] * 0;
  return sum === 0;
}

/** Throws on the first NaN or ±Infinity, saying where it is. */
export function checkFinite(m: Matrix, name: string): void {
  const d = m.data;
  if (d instanceof Float32Array && allFinite(d)) return;
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

/** How errors name the image X of a forward pass. */
export const X_NAME = 'The image X';

/** Checks a caller's output buffer (`into`) holds exactly the `count` floats of Y. */
export function checkInto(into: Float32Array | undefined, count: number): void {
  if (into && !(into instanceof Float32Array && into.length === count))
    throw new KernelStudioError(
      'invalid-argument',
      `The output buffer holds ${into?.length} values but Y has ${count}.`,
    );
}

/**
 * Checks X and K for one forward pass: both sane, and K no larger than X in either axis. With
 * `xValues` false, X's values are left to the caller (a faster scan; `rejectNonFinite` then).
 */
export function checkForward(x: Matrix, k: Matrix, xValues = true): void {
  checkMatrix(x, X_NAME, LIMITS.maxImageSide, xValues);
  // The fast path scans the values itself, but not the data's length.
  if (!xValues) checkData(x.data, x.rows * x.cols, X_NAME, shape(x), false);
  checkMatrix(k, 'The kernel K', LIMITS.maxKernelSide);
  if (k.rows > x.rows || k.cols > x.cols)
    throw new KernelStudioError(
      'kernel-too-large',
      `Kernel K is ${shape(k)} but the image X is only ${shape(x)}: the kernel must fit inside the image.`,
    );
}

/** Checks the scalar forward parameters. */
export function checkForwardParams(params: ForwardParams): void {
  checkModeAndActivation(params);
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
  const { rows: oh, cols: ow } = outputShape(validGeometry(config.initWeight), config.x);
  if (config.y.rows !== oh || config.y.cols !== ow)
    throw new KernelStudioError(
      'invalid-argument',
      `The target Y is ${shape(config.y)} but a ${shape(config.initWeight)} kernel on a ${shape(config.x)} image gives ${oh}×${ow}.`,
    );
  checkLossAndOptimizer(config.loss, config.optimizer);
}

function checkLossAndOptimizer(loss: LossKind, opt: OptimizerSpec): void {
  if (!LOSS_KINDS.includes(loss))
    throw new KernelStudioError(
      'invalid-argument',
      `Unknown loss "${String(loss)}": use ${LOSS_KINDS.join(' or ')}.`,
    );
  if (!Object.hasOwn(OPTIMIZERS, opt.kind))
    throw new KernelStudioError(
      'invalid-argument',
      `Unknown optimizer "${String(opt.kind)}": use ${OPTIMIZER_KINDS.slice(0, -1).join(', ')} or ${OPTIMIZER_KINDS.at(-1)}.`,
    );
  if (!withinBound(opt.lr, BOUNDS.lr))
    throw new KernelStudioError(
      'invalid-argument',
      `The learning rate is ${opt.lr}: it must be from ${formatBoundEnd(BOUNDS.lr.min)} to ${formatBoundEnd(BOUNDS.lr.max)}.`,
    );
  for (const [name, h] of Object.entries(HYPERPARAMETERS) as [HyperparameterName, Hyperparameter][])
    checkRate(opt[name], h.label, h.min, h.max, h.inclusiveMin);
}

/** Checks a step count passed to `Trainer.run`. */
export function checkSteps(steps: number): void {
  if (!Number.isInteger(steps) || steps < 0)
    throw new KernelStudioError(
      'invalid-argument',
      `The number of steps is ${steps}: it must be a whole number ≥ 0.`,
    );
}

function checkData(data: Float32Array, count: number, name: string, shapeText: string, values = true): void {
  if (!(data instanceof Float32Array) || data.length !== count)
    throw new KernelStudioError(
      'invalid-argument',
      `${name} says ${shapeText} but holds ${data?.length} values.`,
    );
  if (!values || allFinite(data)) return;
  for (let i = 0; i < count; i++)
    if (!Number.isFinite(data[i]))
      throw new KernelStudioError(
        'non-finite',
        `${name} value ${i + 1} is ${data[i]}: values must be finite.`,
      );
}

/**
 * Throws the error naming the first NaN or ±Infinity of `t`, for a caller whose faster scan found
 * one (and a plain one should it not be there after all).
 */
export function rejectNonFinite(t: Matrix | Tensor3, name: string): never {
  if ('channels' in t) checkTensor3(t, name);
  else checkMatrix(t, name);
  throw new KernelStudioError('non-finite', `${name} holds a value that is not finite.`);
}

/**
 * Checks a C×H×W tensor: a sane channel count and image size, matching finite data (with
 * `values` false, matching data only: the caller scans the values, `rejectNonFinite` then).
 */
export function checkTensor3(t: Tensor3, name: string, values = true): void {
  const c = t.channels;
  if (!Number.isInteger(c) || c < 1 || c > LAYER_LIMITS.maxChannels)
    throw new KernelStudioError(
      'invalid-argument',
      `${name} has ${c} channels: it needs 1 to ${LAYER_LIMITS.maxChannels}.`,
    );
  checkMatrix({ rows: t.rows, cols: t.cols, data: new Float32Array(0) }, name, LIMITS.maxImageSide, false);
  checkData(t.data, c * t.rows * t.cols, name, `${c}×${t.rows}×${t.cols}`, values);
}

/** Checks an O×C×kh×kw weight against the layer it belongs to. */
export function checkWeights(w: Weights, spec: ConvSpec, name: string): void {
  const { outChannels: o, inChannels: c, rows, cols } = w;
  if (o !== spec.outChannels || c !== spec.inChannels || rows !== spec.kernel[0] || cols !== spec.kernel[1])
    throw new KernelStudioError(
      'invalid-argument',
      `${name} is ${o}×${c}×${rows}×${cols} but the layer needs ${spec.outChannels}×${spec.inChannels}×${spec.kernel[0]}×${spec.kernel[1]} (out×in×kh×kw).`,
    );
  checkData(w.data, o * c * rows * cols, name, `${o}×${c}×${rows}×${cols}`);
}

/** Checks one bias per output channel, all finite. */
export function checkBiases(bias: ArrayLike<number>, outChannels: number, name: string): void {
  if (bias.length !== outChannels)
    throw new KernelStudioError(
      'invalid-argument',
      `${name} has ${bias.length} values but the layer has ${outChannels} output channel${outChannels === 1 ? '' : 's'}.`,
    );
  for (let i = 0; i < bias.length; i++)
    if (!Number.isFinite(bias[i]))
      throw new KernelStudioError(
        'non-finite',
        `${name} ${i + 1} is ${bias[i]}: it must be a finite number.`,
      );
}

/**
 * Checks a whole layer forward pass and returns its output shape (Ho×Wo). With `xValues` false,
 * X's values are left to the caller (a faster scan; `rejectNonFinite` then).
 */
export function checkLayerForward(
  x: Tensor3,
  w: Weights,
  bias: ArrayLike<number>,
  spec: ConvSpec,
  xValues = true,
): Shape2 {
  checkConvSpec(spec);
  checkTensor3(x, X_NAME, xValues);
  if (x.channels !== spec.inChannels)
    throw new KernelStudioError(
      'invalid-argument',
      `The image X has ${x.channels} channel${x.channels === 1 ? '' : 's'} but the kernel expects ${spec.inChannels}.`,
    );
  checkWeights(w, spec, 'The kernel K');
  checkBiases(bias, spec.outChannels, 'The bias');
  return layerOutputShape(spec, x);
}

/** Checks a layer training setup, including that Y is O×Ho×Wo. */
export function checkLayerTrainConfig(config: LayerTrainConfig): void {
  const { rows, cols } = checkLayerForward(config.x, config.initWeight, config.initBias, config.spec);
  checkTensor3(config.y, 'The target Y');
  const o = config.spec.outChannels;
  if (config.y.channels !== o || config.y.rows !== rows || config.y.cols !== cols)
    throw new KernelStudioError(
      'invalid-argument',
      `The target Y is ${config.y.channels}×${config.y.rows}×${config.y.cols} but the layer gives ${o}×${rows}×${cols} on this image.`,
    );
  checkLossAndOptimizer(config.loss, config.optimizer);
}
