/**
 * The zod schema of a `.kstudio` file (the current version): strict objects (unknown keys
 * are errors), grids as 2-D arrays of finite numbers within the size limits.
 * docs/workspace.schema.json is generated from this (`workspaceJsonSchema`).
 */
import { z } from 'zod';
import { BOUNDS, TRAINING_BOUNDS, type NumberBound } from '../bounds';
import { LAYER_LIMITS } from '../layer';
import { LIMITS } from '../types';
import { WORKSPACE_FORMAT, WORKSPACE_VERSION } from './model';

/** A run id is also a file name in main's run log, so it keeps to a safe alphabet. */
export const RUN_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const MAX_RUNS = 500;
export const MAX_RUN_POINTS = 100_000;

const finite = z.number();

/** A number inside one of the bounds the UI also enforces (core/bounds.ts). */
function bounded(b: NumberBound) {
  const n = z.number().min(b.min).max(b.max);
  return b.whole ? n.int() : n;
}

/** A rectangular grid of finite numbers, 1…maxSide in both axes. */
export function gridSchema(maxSide: number) {
  return z
    .array(z.array(finite).min(1).max(maxSide))
    .min(1)
    .max(maxSide)
    .superRefine((rows, ctx) => {
      const cols = rows[0]?.length ?? 0;
      for (let r = 1; r < rows.length; r++)
        if (rows[r].length !== cols) {
          ctx.addIssue({
            code: 'custom',
            path: [r],
            message: `row ${r + 1} has ${rows[r].length} values but row 1 has ${cols}`,
          });
          return;
        }
    });
}

const imageGrid = gridSchema(LIMITS.maxImageSide);
const kernelGrid = gridSchema(LIMITS.maxKernelSide);
/** X: C grids (1…LAYER_LIMITS.maxChannels); that they share one H×W is checked on the document. */
const imageStack = z.array(imageGrid).min(1).max(LAYER_LIMITS.maxChannels);
/** The weight: O lists of C kernels. */
const weightStack = z
  .array(z.array(kernelGrid).min(1).max(LAYER_LIMITS.maxChannels))
  .min(1)
  .max(LAYER_LIMITS.maxChannels);

/** A `[rows, cols]` pair of whole numbers in min…max. */
function pairSchema(min: number, max: number) {
  const n = z.number().int().min(min).max(max);
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
  loss: z.enum(['sum', 'mean']),
  optimizer: z.enum(['sgd', 'momentum', 'adam']),
  targetSource: z.enum(['kernel', 'drawn']),
  targetBias: bounded(TRAINING_BOUNDS.targetBias),
});

export const runSchema = z.strictObject({
  id: z.string().regex(RUN_ID_PATTERN, 'a run id is 1–64 letters, digits, "-" or "_"'),
  label: z.string().max(200),
  createdAt: z.string().max(64).optional(),
  settings: trainingSchema,
  points: z
    .array(z.strictObject({ step: z.number().int().min(1).max(1e9), loss: finite }))
    .max(MAX_RUN_POINTS),
});

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
  const kh = shapeOf(d.k[0][0]);
  for (let o = 0; o < d.k.length; o++) {
    if (d.k[o].length !== c)
      return {
        path: ['k', o],
        message: `output channel ${o + 1} has ${d.k[o].length} kernels but X has ${c} channels`,
      };
    const at = d.k[o].findIndex((g) => shapeOf(g) !== kh);
    if (at >= 0)
      return { path: ['k', o, at], message: `this kernel is ${shapeOf(d.k[o][at])} but the first is ${kh}` };
  }
  if (d.bias.length !== d.k.length)
    return { path: ['bias'], message: `${d.bias.length} biases for ${d.k.length} output channels` };
  return null;
}

export const documentSchema = z
  .strictObject({
    x: imageStack,
    k: weightStack,
    bias: z.array(bounded(BOUNDS.bias)).min(1).max(LAYER_LIMITS.maxChannels),
    stride: pairSchema(1, LAYER_LIMITS.maxStride),
    padding: pairSchema(0, LAYER_LIMITS.maxPadding),
    dilation: pairSchema(1, LAYER_LIMITS.maxDilation),
    mode: z.enum(['correlate', 'convolve']),
    activation: z.enum(['none', 'relu']),
    drawnTarget: imageGrid.nullable(),
    training: trainingSchema,
    learnedWeight: kernelGrid.nullable(),
    learnedBias: finite,
  })
  .superRefine((d, ctx) => {
    const issue = layerIssues(d);
    if (issue) ctx.addIssue({ code: 'custom', ...issue });
  });

/** The whole file, current version. */
export const workspaceFileSchema = z.strictObject({
  format: z.literal(WORKSPACE_FORMAT),
  version: z.literal(WORKSPACE_VERSION),
  /** Which app wrote it, for people reading the file; ignored on load. */
  savedBy: z.string().max(200).optional(),
  document: documentSchema,
  runs: z.array(runSchema).max(MAX_RUNS),
});

export type WorkspaceFile = z.infer<typeof workspaceFileSchema>;

/** The JSON Schema checked into docs/workspace.schema.json (a unit test keeps them equal). */
export function workspaceJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(workspaceFileSchema, { target: 'draft-2020-12' }) as Record<
    string,
    unknown
  >;
  return {
    ...generated,
    $id: 'https://github.com/kernel-studio/kernel-studio/docs/workspace.schema.json',
    title: `Kernel Studio workspace (.kstudio), version ${WORKSPACE_VERSION}`,
    description:
      'Grids are rectangular 2-D arrays of finite numbers (row-major); x is C grids of one H×W, k is O×C grids of one kh×kw, bias has O values. Rectangularity and these shape agreements are checked by the app, not expressible here.',
  };
}
