import { z } from 'zod';
import { MAX_WORKSPACE_BYTES } from '#core/workspace/model';
import { MAX_RUNS, RUN_ID_PATTERN } from '#core/workspace/schema';
import { BACKUP_ID_PATTERN, DOCUMENT_ID_PATTERN, type InvokeMethod } from '../../ipc/contract';

/** Run ids become file names, so they are kept to a safe alphabet (the one a workspace file allows). */
export const runIdSchema = z.string().regex(RUN_ID_PATTERN, 'a run id is 1–64 letters, digits, "-" or "_"');

const finiteNumber = z.number().refine(Number.isFinite, 'must be a finite number');

export const lossBatchSchema = z.strictObject({
  runId: runIdSchema,
  points: z
    .array(z.strictObject({ step: z.number().int().min(1).max(1e9), loss: finiteNumber }))
    .min(1)
    .max(100_000),
});

/** The chart's run list: at most as many runs as a workspace may hold, labels as a workspace's. */
export const runListSchema = z
  .array(z.strictObject({ runId: runIdSchema, label: z.string().max(200), hidden: z.boolean() }))
  .max(MAX_RUNS);

export const fileKindSchema = z.enum(['workspace', 'kernel', 'image', 'chart']);

/**
 * The most text a save or the autosave may write, in UTF-8 bytes: the workspace limit, which is
 * also what main reads back (core/workspace owns the number). Counted in bytes, not characters,
 * so nothing is written that could not be read again (30 Mi "€" is 90 MiB).
 */
export const MAX_TEXT_BYTES = MAX_WORKSPACE_BYTES;

/** A string of at most `maxBytes` UTF-8 bytes (the length check first: characters never exceed bytes). */
function utf8Text(maxBytes: number) {
  return z
    .string()
    .max(maxBytes, `at most ${maxBytes} bytes of UTF-8`)
    .refine((s) => Buffer.byteLength(s, 'utf8') <= maxBytes, `at most ${maxBytes} bytes of UTF-8`);
}

const pathSchema = z.string().min(1).max(4096);
const fileNameSchema = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[^/\\\0]+$/, 'a file name, not a path');

export const saveTextSchema = z.strictObject({
  kind: fileKindSchema,
  path: pathSchema.optional(),
  suggestedName: fileNameSchema,
  text: utf8Text(MAX_TEXT_BYTES),
});

export const saveBytesSchema = z.strictObject({
  kind: fileKindSchema,
  path: pathSchema.optional(),
  suggestedName: fileNameSchema,
  bytes: z
    .instanceof(Uint8Array)
    .refine((b) => b.byteLength <= MAX_TEXT_BYTES, `at most ${MAX_TEXT_BYTES} bytes`),
});

export const openWorkspaceSchema = z.strictObject({ path: pathSchema.optional() });

export const dirtyStateSchema = z.strictObject({ dirty: z.boolean(), name: z.string().max(255) });

const backupIdSchema = z.string().regex(BACKUP_ID_PATTERN);
const documentIdSchema = z
  .string()
  .regex(DOCUMENT_ID_PATTERN, 'a document id is 1–64 letters, digits or "-"');

/** The argument tuple each invoke channel accepts; anything else is refused before the handler runs. */
export const argSchemas = {
  getAppInfo: z.tuple([]),
  openWorkspace: z.union([z.tuple([]), z.tuple([openWorkspaceSchema])]),
  confirmOpened: z.tuple([pathSchema]),
  saveText: z.tuple([saveTextSchema]),
  openBytes: z.tuple([fileKindSchema]),
  saveBytes: z.tuple([saveBytesSchema]),
  getRecent: z.tuple([]),
  writeBackup: z.tuple([utf8Text(MAX_TEXT_BYTES), backupIdSchema]),
  readBackup: z.tuple([backupIdSchema]),
  clearBackup: z.tuple([backupIdSchema]),
  setDirty: z.tuple([dirtyStateSchema]),
  appendLoss: z.tuple([lossBatchSchema]),
  readLoss: z.tuple([runIdSchema]),
  getRunList: z.tuple([documentIdSchema]),
  setRunList: z.tuple([documentIdSchema, runListSchema]),
  openChartWindow: z.tuple([documentIdSchema]),
} satisfies Record<InvokeMethod, z.ZodType>;
