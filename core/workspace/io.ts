/**
 * Reading and writing `.kstudio` text. `parseWorkspace` is the only way in:
 * size check → JSON (no forbidden keys) → header + migration → strict schema →
 * model. Every failure is a `KernelStudioError` whose message names the file
 * and says what is wrong and where; nothing else is ever thrown.
 */
import { KernelStudioError } from '../errors';
import { stackKernels } from '../layer-stack';
import { fromRows, toRows, type Matrix } from '../matrix';
import { toNested4 } from '../tensor';
import {
  MAX_WORKSPACE_BYTES,
  WORKSPACE_FORMAT,
  WORKSPACE_VERSION,
  type RunFacts,
  type RunPoint,
  type RunRecord,
  type TrainingModel,
  type WorkspaceDocument,
} from './model';
import { migrate, MIGRATIONS, type MigrationStep } from './migrate';
import { oneLine, parseUntrustedJson } from './safe-json';
import {
  DOCUMENT_FILE_FIELDS,
  WORKSPACE_JSON_LIMITS,
  workspaceFileSchema,
  type StoredField,
  type WorkspaceFile,
} from './schema';

type TrainingJson = WorkspaceFile['document']['training'];

function trainingFromJson(t: TrainingJson): TrainingModel {
  return { ...t, initWeight: fromRows(t.initWeight) };
}

function trainingToJson(t: TrainingModel): TrainingJson {
  return {
    kernelRows: t.kernelRows,
    kernelCols: t.kernelCols,
    init: t.init,
    seed: t.seed,
    initWeight: toRows(t.initWeight),
    initBias: t.initBias,
    useBias: t.useBias,
    lr: t.lr,
    steps: t.steps,
    logEvery: t.logEvery,
    loss: t.loss,
    optimizer: t.optimizer,
    targetSource: t.targetSource,
    targetBias: t.targetBias,
  };
}

/** A run in either direction (model ↔ file): same fields, settings converted, points copied plainly. */
function mapRun<S, T>(
  run: {
    readonly id: string;
    readonly label: string;
    readonly createdAt?: string;
    readonly settings: S;
    readonly facts?: RunFacts;
    readonly points: readonly RunPoint[];
  },
  settings: (s: S) => T,
) {
  return {
    id: run.id,
    label: run.label,
    ...(run.createdAt !== undefined ? { createdAt: run.createdAt } : {}),
    settings: settings(run.settings),
    ...(run.facts !== undefined ? { facts: { ...run.facts } } : {}),
    points: run.points.map((p) => ({ step: p.step, loss: p.loss })),
  };
}

type FileDocument = WorkspaceFile['document'];
type FileKey<F extends StoredField> = (typeof DOCUMENT_FILE_FIELDS)[F][0];

/** How one document field becomes its value in the file and back. */
interface FieldCodec<F extends StoredField> {
  readonly toFile: (value: WorkspaceDocument[F]) => FileDocument[FileKey<F>];
  readonly fromFile: (value: FileDocument[FileKey<F>]) => WorkspaceDocument[F];
  /**
   * Whether two values have the same file form, without making it (grids: their file form, rows
   * of numbers, is exactly their shape and values). Absent: the file forms are compared.
   */
  readonly same?: (a: WorkspaceDocument[F], b: WorkspaceDocument[F]) => boolean;
}

/** The same number in a file: equal, -0 apart from 0 (the file writes "-0"), and finite (a file holds no NaN or ±∞). */
const sameNumber = (a: number, b: number): boolean => Object.is(a, b) && Number.isFinite(a);

function sameNumbers(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!sameNumber(a[i], b[i])) return false;
  return true;
}

/** A grid's file form is its rows of numbers: the same shape and values. */
const sameGrid = (a: Matrix, b: Matrix): boolean =>
  a === b || (a.rows === b.rows && a.cols === b.cols && sameNumbers(a.data, b.data));

const sameList = <T>(a: readonly T[], b: readonly T[], same: (x: T, y: T) => boolean): boolean =>
  a.length === b.length && a.every((x, i) => same(x, b[i]));

/** Two file forms (JSON values) that `pretty` writes as the same text. */
function sameJson(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' || typeof b === 'number')
    return typeof a === 'number' && typeof b === 'number' && sameNumber(a, b);
  if (Array.isArray(a) || Array.isArray(b))
    return Array.isArray(a) && Array.isArray(b) && sameList(a, b, sameJson);
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
    const entries = (o: object) => Object.entries(o).filter(([, v]) => v !== undefined);
    const [ea, eb] = [entries(a), entries(b)];
    return sameList(ea, eb, ([ka, va], [kb, vb]) => ka === kb && sameJson(va, vb));
  }
  return a === b;
}

const pair = (p: readonly [number, number]): [number, number] => [p[0], p[1]];
const same = <T>(value: T): T => value;

/** Each stored field's conversion: a record over schema.ts's fields, so none can be left out. */
const FIELD_CODECS: { readonly [F in StoredField]: FieldCodec<F> } = {
  channels: {
    toFile: (x) => x.map(toRows),
    fromFile: (x) => x.map(fromRows),
    same: (a, b) => sameList(a, b, sameGrid),
  },
  kernels: {
    toFile: (k) => k.map((row) => row.map(toRows)),
    fromFile: (k) => k.map((row) => row.map(fromRows)),
    same: (a, b) => sameList(a, b, (ra, rb) => sameList(ra, rb, sameGrid)),
  },
  biases: { toFile: (b) => [...b], fromFile: same },
  stride: { toFile: pair, fromFile: same },
  padding: { toFile: pair, fromFile: same },
  dilation: { toFile: pair, fromFile: same },
  mode: { toFile: same, fromFile: same },
  activation: { toFile: same, fromFile: same },
  drawnTarget: {
    toFile: (g) => (g ? toRows(g) : null),
    fromFile: (g) => (g ? fromRows(g) : null),
    same: (a, b) => (a && b ? sameGrid(a, b) : a === b),
  },
  training: { toFile: trainingToJson, fromFile: trainingFromJson },
  learnedWeight: {
    toFile: (w) => (w ? toNested4(w) : null),
    fromFile: (w) => (w ? stackKernels(w.map((row) => row.map(fromRows))) : null),
  },
  learnedBias: { toFile: (b) => [...b], fromFile: same },
  trainer: {
    toFile: (t) =>
      t && {
        runId: t.runId,
        step: t.step,
        params: [...t.params],
        grads: [...t.grads],
        moment1: [...t.moment1],
        moment2: [...t.moment2],
      },
    fromFile: (t) => t ?? null,
  },
  lastRunNumber: { toFile: same, fromFile: (n) => n ?? 0 },
};

/** The stored fields, in the file's order (schema.ts's table). */
const STORED_FIELDS = Object.keys(DOCUMENT_FILE_FIELDS) as StoredField[];

function fieldToFile<F extends StoredField>(doc: WorkspaceDocument, f: F): [string, unknown] {
  return [DOCUMENT_FILE_FIELDS[f][0], FIELD_CODECS[f].toFile(doc[f])];
}

function sameField<F extends StoredField>(f: F, a: WorkspaceDocument[F], b: WorkspaceDocument[F]): boolean {
  if (a === b) return true;
  const codec: FieldCodec<F> = FIELD_CODECS[f];
  return codec.same ? codec.same(a, b) : sameJson(codec.toFile(a), codec.toFile(b));
}

/**
 * Whether two documents save as the same file (`serializeWorkspace` gives the same text), without
 * writing either: what "unsaved changes" means. Each field is compared in its file form, a field
 * that is the same object costs nothing, and a grid is compared by its values in place (no rows
 * built), so it is cheap enough for every edit. A value a file cannot hold (NaN, ±∞) is never
 * the same as anything.
 */
export function sameWorkspaceFile(a: WorkspaceDocument, b: WorkspaceDocument): boolean {
  const sameRun = (x: RunRecord, y: RunRecord): boolean =>
    x === y || sameJson(mapRun(x, trainingToJson), mapRun(y, trainingToJson));
  return STORED_FIELDS.every((f) => sameField(f, a[f], b[f])) && sameList(a.runs, b.runs, sameRun);
}

function fieldFromFile<F extends StoredField>(d: FileDocument, f: F): [F, WorkspaceDocument[F]] {
  const key: FileKey<F> = DOCUMENT_FILE_FIELDS[f][0];
  return [f, FIELD_CODECS[f].fromFile(d[key])];
}

/** The file object (the current version) for a document; `savedBy` e.g. "Kernel Studio 0.1.0". */
export function workspaceToFile(doc: WorkspaceDocument, savedBy?: string): WorkspaceFile {
  return {
    format: WORKSPACE_FORMAT,
    version: WORKSPACE_VERSION,
    ...(savedBy !== undefined ? { savedBy } : {}),
    document: Object.fromEntries(STORED_FIELDS.map((f) => fieldToFile(doc, f))) as FileDocument,
    runs: doc.runs.map((run) => mapRun(run, trainingToJson)),
  };
}

export function workspaceFromFile(file: WorkspaceFile): WorkspaceDocument {
  const stored = Object.fromEntries(STORED_FIELDS.map((f) => fieldFromFile(file.document, f)));
  return {
    ...(stored as Omit<WorkspaceDocument, 'runs'>),
    runs: file.runs.map((run): RunRecord => mapRun(run, trainingFromJson)),
  };
}

/**
 * Pretty JSON with every array of numbers (a grid row, a shape) on one line,
 * so grids stay readable and diffable. Non-finite numbers are refused: JSON
 * cannot hold them and a file that silently turned NaN into null would lie.
 */
export function serializeWorkspace(doc: WorkspaceDocument, savedBy?: string): string {
  return `${pretty(workspaceToFile(doc, savedBy), '')}\n`;
}

function pretty(value: unknown, indent: string): string {
  if (typeof value === 'number') {
    if (!Number.isFinite(value))
      throw new KernelStudioError('non-finite', `Cannot save the workspace: it holds the value ${value}.`);
    // JSON.stringify(-0) is "0"; "-0" is valid JSON and parses back to -0.
    return Object.is(value, -0) ? '-0' : JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    if (value.every((v) => typeof v === 'number')) return `[${value.map((v) => pretty(v, '')).join(', ')}]`;
    const inner = indent + '  ';
    return `[\n${value.map((v) => inner + pretty(v, inner)).join(',\n')}\n${indent}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return '{}';
    const inner = indent + '  ';
    return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${pretty(v, inner)}`).join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value);
}

/** Parses `.kstudio` text; `fileName` names the file in every message. Throws only KernelStudioError. */
export function parseWorkspace(
  text: string,
  fileName: string,
  steps: Readonly<Record<number, MigrationStep>> = MIGRATIONS,
): WorkspaceDocument {
  try {
    return parseUnchecked(text, fileName, steps);
  } catch (error) {
    if (error instanceof KernelStudioError) throw error;
    // A bug or an engine limit (e.g. a stack overflow): still one typed, readable error.
    throw new KernelStudioError(
      'format',
      `${fileName} could not be read: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

function parseUnchecked(
  text: string,
  fileName: string,
  steps: Readonly<Record<number, MigrationStep>>,
): WorkspaceDocument {
  if (typeof text !== 'string') throw new KernelStudioError('format', `${fileName} is not a text file.`);
  // UTF-16 length ≤ UTF-8 bytes × 1, so this never refuses a file under the byte limit.
  if (text.length > MAX_WORKSPACE_BYTES)
    throw new KernelStudioError(
      'too-large',
      `${fileName} is over the workspace limit of ${MAX_WORKSPACE_BYTES / 1024 / 1024} MiB.`,
    );
  const json = parseUntrustedJson(
    text.charCodeAt(0) === 0xfeff ? text.slice(1) : text,
    fileName,
    WORKSPACE_JSON_LIMITS,
  );
  const current = migrate(json, fileName, steps);
  const parsed = workspaceFileSchema.safeParse(current);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path ?? [];
    const where = formatPath(path);
    const value = valueAt(current, path);
    if (typeof value === 'number' && !Number.isFinite(value))
      throw new KernelStudioError(
        'non-finite',
        `${fileName}: ${where} is ${value}; values must be finite numbers.`,
      );
    throw new KernelStudioError('format', `${fileName}: ${where}: ${oneLine(issue?.message ?? 'invalid')}.`);
  }
  return workspaceFromFile(parsed.data);
}

/** `document.x[2][0]`, or "the top level". */
export function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return 'the top level';
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const part of path) {
    if (value === null || typeof value !== 'object') return undefined;
    if (typeof part === 'symbol' || !Object.hasOwn(value, part)) return undefined;
    value = (value as Record<string | number, unknown>)[part as string | number];
  }
  return value;
}
