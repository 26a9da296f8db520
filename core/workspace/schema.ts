/**
 * The zod schema of a `.kstudio` file (the current version): strict objects (unknown keys
 * are errors), grids as 2-D arrays of finite numbers within the size limits.
 * docs/workspace.schema.json is generated from this (`workspaceJsonSchema`).
 */
import { z } from 'zod';
import { BOUNDS, TRAINING_BOUNDS, type NumberBound } from '../bounds';
import { LAYER_LIMITS } from '../layer';
import { ACTIVATIONS, LIMITS, LOSS_KINDS, MODES, OPTIMIZER_KINDS } from '../types';
import { MAX_WORKSPACE_BYTES, WORKSPACE_FORMAT, WORKSPACE_VERSION, type DocumentField } from './model';
import type { JsonShapeLimits } from './safe-json';

/** A run id is also a file name in main's run log, so it keeps to a safe alphabet. */
export const RUN_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const MAX_RUNS = 500;
export const MAX_RUN_POINTS = 100_000;
/**
 * The most parameters ([W…, b…]) a saved run state holds, as many as a run's points: a layer
 * with more is saved without its resume state (its learned weights are still saved).
 */
export const MAX_TRAINER_PARAMS = MAX_RUN_POINTS;

const finite = z.number();

/** A number inside one of the bounds the UI also enforces (core/bounds.ts). */
function bounded(b: NumberBound) {
  const n = z.number().min(b.min).max(b.max);
  return b.whole ? n.int() : n;
}

/** The smallest thing a valid file repeats in bulk: a loss point, `{"step":1,"loss":0},`. */
const MIN_POINT_CHARS = 20;

/**
 * What the text of a valid file can hold, checked before it is parsed (safe-json.ts): a file
 * is at most 6 levels deep (runs → run → settings → initWeight → row → value); its longest
 * list is a run's points; its lists and objects are mostly points, each at least 20 characters.
 */
export const WORKSPACE_JSON_LIMITS: JsonShapeLimits = {
  maxDepth: 8,
  maxEntries: Math.max(MAX_RUN_POINTS, LIMITS.maxImageSide, MAX_RUNS, MAX_TRAINER_PARAMS),
  maxContainers:
    Math.ceil(MAX_WORKSPACE_BYTES / MIN_POINT_CHARS) +
    2 * (LIMITS.maxImageSide + 1) +
    MAX_RUNS * (4 + LIMITS.maxKernelSide) +
    64,
};

/** The first problem a bulk check found: where (relative to the value) and what. */
interface BulkIssue {
  readonly path: (string | number)[];
  readonly message: string;
}

/** For each bulk schema, the plain zod form it stands for: what docs/workspace.schema.json shows. */
const documentedAs = new WeakMap<object, z.ZodType>();

/**
 * A schema for the bulk of a file (grids, loss points: up to 16 M values) checked by a plain loop
 * that stops at the first problem. Zod would check `documented` element by element and collect
 * every issue: seconds for a valid 4096² grid, and millions of issue objects (a stack overflow)
 * for a grid of strings. The JSON Schema still comes from `documented`.
 */
function bulk<T>(documented: z.ZodType<T>, firstIssue: (value: unknown) => BulkIssue | null): z.ZodType<T> {
  const schema = z.unknown().superRefine((value, ctx) => {
    const issue = firstIssue(value);
    if (issue) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message, input: value });
  });
  documentedAs.set(schema, documented);
  return schema as unknown as z.ZodType<T>;
}

function listIssue(value: unknown, what: string, min: number, max: number): BulkIssue | null {
  if (!Array.isArray(value)) return { path: [], message: `expected a list of ${what}` };
  if (value.length < min) return { path: [], message: `needs at least ${min} ${what}` };
  if (value.length > max) return { path: [], message: `has ${value.length} ${what}; the limit is ${max}` };
  return null;
}

function numberIssue(value: unknown, path: (string | number)[]): BulkIssue | null {
  if (typeof value !== 'number') return { path, message: 'expected a number' };
  if (!Number.isFinite(value)) return { path, message: 'values must be finite numbers' };
  return null;
}

/** The first problem in a grid: not a list, too few or many rows or columns, ragged, or a cell not a finite number. */
function gridIssue(value: unknown, maxSide: number): BulkIssue | null {
  const rowsIssue = listIssue(value, 'rows', 1, maxSide);
  if (rowsIssue) return rowsIssue;
  const rows = value as unknown[];
  let cols = 0;
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r];
    if (r === 0) {
      const colsIssue = listIssue(row, 'values', 1, maxSide);
      if (colsIssue) return { path: [0], message: colsIssue.message };
      cols = (row as unknown[]).length;
    } else if (!Array.isArray(row)) return { path: [r], message: 'expected a list of values' };
    else if (row.length !== cols)
      return { path: [r], message: `row ${r + 1} has ${row.length} values but row 1 has ${cols}` };
    const cells = row as unknown[];
    for (let c = 0; c < cols; c++) {
      const v = cells[c];
      if (typeof v !== 'number' || !Number.isFinite(v)) return numberIssue(v, [r, c]);
    }
  }
  return null;
}

/** A rectangular grid of finite numbers, 1…maxSide in both axes. */
export function gridSchema(maxSide: number): z.ZodType<number[][]> {
  const documented = z.array(z.array(finite).min(1).max(maxSide)).min(1).max(maxSide);
  return bulk(documented, (value) => gridIssue(value, maxSide));
}

const MAX_STEP = 1e9;
/** The highest run number a workspace may have given. */
export const MAX_RUN_NUMBER = 1e9;

/** The first problem in a run's loss points: each exactly `{step, loss}`, step a whole number 1…1e9, loss finite. */
function pointsIssue(value: unknown): BulkIssue | null {
  const listProblem = listIssue(value, 'points', 0, MAX_RUN_POINTS);
  if (listProblem) return listProblem;
  const points = value as unknown[];
  for (let i = 0; i < points.length; i++) {
    const p = points[i];
    if (p === null || typeof p !== 'object' || Array.isArray(p))
      return { path: [i], message: 'expected an object {step, loss}' };
    const keys = Object.keys(p);
    const extra = keys.find((k) => k !== 'step' && k !== 'loss');
    if (extra !== undefined) return { path: [i], message: `unknown key "${extra.slice(0, 40)}"` };
    const { step, loss } = p as { step?: unknown; loss?: unknown };
    if (typeof step !== 'number' || !Number.isInteger(step) || step < 1 || step > MAX_STEP)
      return { path: [i, 'step'], message: `expected a whole number from 1 to ${MAX_STEP}` };
    const lossIssue = numberIssue(loss, [i, 'loss']);
    if (lossIssue) return lossIssue;
  }
  return null;
}

const pointsSchema = bulk(
  z.array(z.strictObject({ step: z.number().int().min(1).max(MAX_STEP), loss: finite })).max(MAX_RUN_POINTS),
  pointsIssue,
);

const imageGrid = gridSchema(LIMITS.maxImageSide);
const kernelGrid = gridSchema(LIMITS.maxKernelSide);
/** X: C grids (1…LAYER_LIMITS.maxChannels); that they share one H×W is checked on the document. */
const imageStack = z.array(imageGrid).min(1).max(LAYER_LIMITS.maxChannels);
/** The weight: O lists of C kernels. */
const weightStack = z
  .array(z.array(kernelGrid).min(1).max(LAYER_LIMITS.maxChannels))
  .min(1)
  .max(LAYER_LIMITS.maxChannels);

/** A `[rows, cols]` pair, each inside the bound. */
function pairSchema(b: NumberBound) {
  const n = bounded(b);
  return z.tuple([n, n]);
}

export const trainingSchema = z.strictObject({
  kernelRows: bounded(TRAINING_BOUNDS.kernelRows),
  kernelCols: bounded(TRAINING_BOUNDS.kernelCols),
  init: z.enum(['seeded', 'zeros', 'explicit']),
  seed: bounded(TRAINING_BOUNDS.seed),
  initWeight: kernelGrid,
  initBias: bounded(TRAINING_BOUNDS.initBias),
  useBias: z.boolean(),
  lr: bounded(TRAINING_BOUNDS.lr),
  steps: bounded(TRAINING_BOUNDS.steps),
  logEvery: bounded(TRAINING_BOUNDS.logEvery),
  loss: z.enum(LOSS_KINDS),
  optimizer: z.enum(OPTIMIZER_KINDS),
  targetSource: z.enum(['kernel', 'drawn']),
  targetBias: bounded(TRAINING_BOUNDS.targetBias),
});

/** A run's facts (core/workspace/model.ts RunFacts); the renderer writes its name from them. */
export const runFactsSchema = z.strictObject({
  number: z.number().int().min(1).max(1e9),
  mode: z.enum(MODES),
  outChannels: z.number().int().min(1).max(LAYER_LIMITS.maxChannels),
  inChannels: z.number().int().min(1).max(LAYER_LIMITS.maxChannels),
  backend: z.string().max(100),
});

export const runSchema = z.strictObject({
  id: z.string().regex(RUN_ID_PATTERN, 'a run id is 1–64 letters, digits, "-" or "_"'),
  label: z.string().max(200),
  createdAt: z.string().max(64).optional(),
  settings: trainingSchema,
  facts: runFactsSchema.optional(),
  points: pointsSchema,
});

/** A list of at most `max` items whose length is checked before any item is, so 100 000 bad runs cost one issue. */
function boundedArray<T extends z.ZodType>(item: T, max: number) {
  const checked = z.array(item).max(max);
  const lengthFirst = z
    .unknown()
    .superRefine((value, ctx) => {
      const issue = listIssue(value, 'items', 0, max);
      if (issue) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message, input: value });
    })
    .pipe(checked);
  documentedAs.set(lengthFirst, checked);
  return lengthFirst as unknown as typeof checked;
}

/** [W…, b…] of a layer up to the size limit. */
const paramVector = z.array(finite).min(2).max(MAX_TRAINER_PARAMS);

type Issue = { readonly path: (string | number)[]; readonly message: string };
type Rows = readonly (readonly number[])[];
const shapeOf = (g: Rows) => `${g.length}×${g[0]?.length ?? 0}`;

/** Where the layer's arrays disagree: channels of different H×W, a ragged weight, C or O mismatches, too many values. */
export function layerIssues(d: {
  readonly x: readonly Rows[];
  readonly k: readonly (readonly Rows[])[];
  readonly bias: readonly number[];
}): Issue | null {
  const c = d.x.length;
  const h = shapeOf(d.x[0]);
  const xAt = d.x.findIndex((g) => shapeOf(g) !== h);
  if (xAt >= 0)
    return { path: ['x', xAt], message: `channel ${xAt + 1} is ${shapeOf(d.x[xAt])} but channel 1 is ${h}` };
  const values = c * d.x[0].length * (d.x[0][0]?.length ?? 0);
  if (values > LAYER_LIMITS.maxValues)
    return { path: ['x'], message: `X holds ${values} values, over the limit of ${LAYER_LIMITS.maxValues}` };
  return (
    weightIssue(d.k, c, 'k') ??
    (d.bias.length !== d.k.length
      ? { path: ['bias'], message: `${d.bias.length} biases for ${d.k.length} output channels` }
      : null)
  );
}

/** Where a weight (O lists of kernels) is ragged or does not have C kernels per output; `name` starts the path. */
function weightIssue(k: readonly (readonly Rows[])[], c: number, name: string): Issue | null {
  const kh = shapeOf(k[0][0]);
  for (let o = 0; o < k.length; o++) {
    if (k[o].length !== c)
      return {
        path: [name, o],
        message: `output channel ${o + 1} has ${k[o].length} kernels but X has ${c} channels`,
      };
    const at = k[o].findIndex((g) => shapeOf(g) !== kh);
    if (at >= 0)
      return { path: [name, o, at], message: `this kernel is ${shapeOf(k[o][at])} but the first is ${kh}` };
  }
  return null;
}

/** Where the learned layer disagrees: a ragged weight, kernels for other than X's channels, O ≠ the number of biases. */
export function learnedIssues(d: {
  readonly x: readonly Rows[];
  readonly learnedWeight: readonly (readonly Rows[])[] | null;
  readonly learnedBias: readonly number[];
}): Issue | null {
  const w = d.learnedWeight;
  if (!w)
    return d.learnedBias.length === 0
      ? null
      : { path: ['learnedBias'], message: 'biases without a learned weight' };
  return (
    weightIssue(w, d.x.length, 'learnedWeight') ??
    (d.learnedBias.length !== w.length
      ? { path: ['learnedBias'], message: `${d.learnedBias.length} biases for ${w.length} output channels` }
      : null)
  );
}

/**
 * Where the saved run state disagrees with the learned layer it continues: a run's vector is
 * [W…, b…], O×C×kh×kw weights then O biases, in each of params, grads and both moments.
 */
export function trainerIssues(d: {
  readonly learnedWeight: readonly (readonly Rows[])[] | null;
  readonly learnedBias: readonly number[];
  readonly trainer?: {
    readonly params: readonly number[];
    readonly grads: readonly number[];
    readonly moment1: readonly number[];
    readonly moment2: readonly number[];
  } | null;
}): Issue | null {
  const t = d.trainer;
  if (!t) return null;
  const w = d.learnedWeight;
  if (!w) return { path: ['trainer'], message: 'a saved run state without a learned weight' };
  const first = w[0]?.[0];
  const weights = w.length * (w[0]?.length ?? 0) * (first?.length ?? 0) * (first?.[0]?.length ?? 0);
  const needed = weights + d.learnedBias.length;
  for (const name of ['params', 'grads', 'moment1', 'moment2'] as const)
    if (t[name].length !== needed)
      return {
        path: ['trainer', name],
        message: `${t[name].length} values, but the learned layer has ${needed} (${weights} weights and ${d.learnedBias.length} biases)`,
      };
  return null;
}

/** The saved run state of the learned layer (SavedTrainer). */
const trainerSchema = z.strictObject({
  runId: z.string().regex(RUN_ID_PATTERN),
  step: z.number().int().min(0).max(1e9),
  params: paramVector,
  grads: paramVector,
  moment1: paramVector,
  moment2: paramVector,
});

/** The document's fields the file keeps under `document`; `runs` is the file's own top-level list. */
export type StoredField = Exclude<DocumentField, 'runs'>;

/**
 * Each document field (model.ts `DOCUMENT_FIELDS`, the one list) with its key in the file and its
 * schema, in the file's order. A record over the fields: a field added to the document and not
 * here fails the build, and io.ts's conversions are a record over the same fields.
 */
export const DOCUMENT_FILE_FIELDS = {
  channels: ['x', imageStack],
  kernels: ['k', weightStack],
  biases: ['bias', z.array(bounded(BOUNDS.bias)).min(1).max(LAYER_LIMITS.maxChannels)],
  stride: ['stride', pairSchema(BOUNDS.stride)],
  padding: ['padding', pairSchema(BOUNDS.padding)],
  dilation: ['dilation', pairSchema(BOUNDS.dilation)],
  mode: ['mode', z.enum(MODES)],
  activation: ['activation', z.enum(ACTIVATIONS)],
  drawnTarget: ['drawnTarget', imageGrid.nullable()],
  training: ['training', trainingSchema],
  /** O×C×kh×kw (version 3; a single grid before). */
  learnedWeight: ['learnedWeight', weightStack.nullable()],
  learnedBias: ['learnedBias', z.array(finite).max(LAYER_LIMITS.maxChannels)],
  /** Added in 0.2 without a version bump: older files have none (read as null). */
  trainer: ['trainer', trainerSchema.nullable().optional()],
  /** Added without a version bump: older files have none (read as 0, the runs' labels still count). */
  lastRunNumber: ['lastRunNumber', z.number().int().min(0).max(MAX_RUN_NUMBER).optional()],
} as const satisfies Record<StoredField, readonly [string, z.ZodType]>;

type FileFields = typeof DOCUMENT_FILE_FIELDS;
type DocumentShape = { [F in StoredField as FileFields[F][0]]: FileFields[F][1] };

/** `document`'s object shape, made from the table above. */
const documentShape = Object.fromEntries(Object.values(DOCUMENT_FILE_FIELDS)) as unknown as DocumentShape;

export const documentSchema = z.strictObject(documentShape).superRefine((d, ctx) => {
  const issue = layerIssues(d) ?? learnedIssues(d) ?? trainerIssues(d);
  if (issue) ctx.addIssue({ code: 'custom', ...issue });
});

/** The whole file, current version. */
export const workspaceFileSchema = z.strictObject({
  format: z.literal(WORKSPACE_FORMAT),
  version: z.literal(WORKSPACE_VERSION),
  /** Which app wrote it, for people reading the file; ignored on load. */
  savedBy: z.string().max(200).optional(),
  document: documentSchema,
  runs: boundedArray(runSchema, MAX_RUNS),
});

export type WorkspaceFile = z.infer<typeof workspaceFileSchema>;

/** How the JSON Schema is generated: a bulk or length-first schema shows the plain zod form it checks. */
const JSON_SCHEMA_OPTIONS: Parameters<typeof z.toJSONSchema>[1] = {
  target: 'draft-2020-12',
  override: ({ zodSchema, jsonSchema }) => {
    const documented = documentedAs.get(zodSchema);
    if (documented === undefined) return;
    const { $schema: _, ...plain } = z.toJSONSchema(documented, JSON_SCHEMA_OPTIONS);
    for (const key of Object.keys(jsonSchema)) delete (jsonSchema as Record<string, unknown>)[key];
    Object.assign(jsonSchema, plain);
  },
};

/** The JSON Schema checked into docs/workspace.schema.json (a unit test keeps them equal). */
export function workspaceJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(workspaceFileSchema, JSON_SCHEMA_OPTIONS) as Record<string, unknown>;
  return {
    ...generated,
    $id: 'https://github.com/kernel-studio/kernel-studio/docs/workspace.schema.json',
    title: `Kernel Studio workspace (.kstudio), version ${WORKSPACE_VERSION}`,
    description:
      'Grids are rectangular 2-D arrays of finite numbers (row-major); x is C grids of one H×W, k and learnedWeight are O×C grids of one kh×kw, bias and learnedBias have O values. Rectangularity and these shape agreements are checked by the app, not expressible here.',
  };
}
