/**
 * The zod schema of a version-1 `.kstudio` file: strict objects (unknown keys
 * are errors), grids as 2-D arrays of finite numbers within the size limits.
 * docs/workspace.schema.json is generated from this (`workspaceJsonSchema`).
 */
import { z } from 'zod';
import { BOUNDS, TRAINING_BOUNDS, type NumberBound } from '../bounds';
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

/** [W…, b] of a kernel up to the size limit. */
const paramVector = z.array(finite).min(2).max(LIMITS.maxKernelSide ** 2 + 1);

export const documentSchema = z.strictObject({
  x: imageGrid,
  k: kernelGrid,
  bias: bounded(BOUNDS.bias),
  mode: z.enum(['correlate', 'convolve']),
  activation: z.enum(['none', 'relu']),
  drawnTarget: imageGrid.nullable(),
  training: trainingSchema,
  learnedWeight: kernelGrid.nullable(),
  learnedBias: finite,
  /** Added in 0.2 without a version bump: older files have none (read as null). */
  trainer: z
    .strictObject({
      runId: z.string().regex(RUN_ID_PATTERN),
      step: z.number().int().min(0).max(1e9),
      params: paramVector,
      grads: paramVector,
      moment1: paramVector,
      moment2: paramVector,
    })
    .nullable()
    .optional(),
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

export type WorkspaceFileV1 = z.infer<typeof workspaceFileSchema>;

/** The JSON Schema checked into docs/workspace.schema.json (a unit test keeps them equal). */
export function workspaceJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(workspaceFileSchema, { target: 'draft-2020-12' }) as Record<
    string,
    unknown
  >;
  return {
    ...generated,
    $id: 'https://github.com/kernel-studio/kernel-studio/docs/workspace.schema.json',
    title: 'Kernel Studio workspace (.kstudio), version 1',
    description:
      'Grids are rectangular 2-D arrays of finite numbers (row-major); rectangularity is checked by the app, not expressible here.',
  };
}
