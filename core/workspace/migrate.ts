/**
 * Upgrading old workspace files: a table of steps keyed by the version they
 * read. Step `n` takes a version-n file (as parsed JSON, already checked for
 * forbidden keys) and returns a version-(n+1) file; `migrate` chains them up
 * to WORKSPACE_VERSION. The schema then checks the result as usual.
 *
 * When the format changes, bump WORKSPACE_VERSION and add `n: (vn) => vn+1` here.
 */
import { KernelStudioError } from '../errors';
import { WORKSPACE_FORMAT, WORKSPACE_VERSION } from './model';

export type JsonObject = Record<string, unknown>;
export type MigrationStep = (file: JsonObject) => JsonObject;

const isObject = (v: unknown): v is JsonObject => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * 1 → 2, the full layer: X becomes a stack of one channel, K a 1×1 grid of kernels, the bias a
 * list of one, with PyTorch's default geometry (stride 1, no padding, dilation 1). Lossless; a
 * document that is not an object is passed on for the schema to name.
 */
function layerOfSingleChannel(file: JsonObject): JsonObject {
  const doc = file.document;
  if (!isObject(doc)) return file;
  const { x, k, bias, ...rest } = doc;
  return {
    ...file,
    document: {
      // A missing field stays missing, for the schema to name.
      ...(x !== undefined && { x: [x] }),
      ...(k !== undefined && { k: [[k]] }),
      ...(bias !== undefined && { bias: [bias] }),
      stride: [1, 1],
      padding: [0, 0],
      dilation: [1, 1],
      ...rest,
    },
  };
}

/**
 * 2 → 3, the learned layer: `learnedWeight` (one kh×kw grid) becomes O×C×kh×kw with O = C = 1,
 * `learnedBias` (one number) a list of one. Lossless; anything else is passed on for the schema.
 */
function learnedLayerOfKernel(file: JsonObject): JsonObject {
  const doc = file.document;
  if (!isObject(doc)) return file;
  const { learnedWeight, learnedBias } = doc;
  return {
    ...file,
    document: {
      ...doc,
      ...(Array.isArray(learnedWeight) && { learnedWeight: [[learnedWeight]] }),
      ...(typeof learnedBias === 'number' && { learnedBias: learnedWeight === null ? [] : [learnedBias] }),
    },
  };
}

export const MIGRATIONS: Readonly<Record<number, MigrationStep>> = {
  1: layerOfSingleChannel,
  2: learnedLayerOfKernel,
};

/**
 * Checks the header (`format`, `version`) and brings the file up to `target`.
 * A newer version than this build knows is an `unsupported` error; a missing or
 * odd header is a `format` error. `fileName` prefixes every message.
 */
export function migrate(
  json: unknown,
  fileName: string,
  steps: Readonly<Record<number, MigrationStep>> = MIGRATIONS,
  target: number = WORKSPACE_VERSION,
): JsonObject {
  if (json === null || typeof json !== 'object' || Array.isArray(json))
    throw new KernelStudioError(
      'format',
      `${fileName} is not a Kernel Studio workspace: expected a JSON object.`,
    );
  let file = json as JsonObject;
  if (file.format !== WORKSPACE_FORMAT)
    throw new KernelStudioError(
      'format',
      `${fileName} is not a Kernel Studio workspace: "format" must be "${WORKSPACE_FORMAT}".`,
    );
  const version = file.version;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1)
    throw new KernelStudioError('format', `${fileName}: "version" must be a whole number ≥ 1.`);
  if (version > target)
    throw new KernelStudioError(
      'unsupported',
      `${fileName} is workspace version ${version}, from a newer Kernel Studio; this version opens up to version ${target}.`,
    );
  for (let v = version; v < target; v++) {
    const step = Object.hasOwn(steps, v) ? steps[v] : undefined;
    if (!step)
      throw new KernelStudioError('unsupported', `${fileName}: no upgrade from workspace version ${v}.`);
    file = step(file);
    file = { ...file, version: v + 1 };
  }
  return file;
}
