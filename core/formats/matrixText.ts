/**
 * A 2-D matrix as text: JSON (nested arrays) and CSV-like tables. Parsing ends in
 * validate's `matrixFromRows`, so empty, ragged, non-finite and oversized input all
 * get the same clear messages wherever the text came from.
 */
import { KernelStudioError } from '../errors';
import type { Matrix } from '../matrix';
import { toRows } from '../matrix';
import { LIMITS } from '../types';
import { checkFinite, matrixFromRows } from '../validate';
import { formatFloat32, parseDecimal } from './numbers';

/** Parses JSON text; a syntax error becomes one line naming the file. */
export function parseJsonText(text: string, name: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    throw new KernelStudioError('format', `${name}: not valid JSON (${detail}).`);
  }
}

/** Our layer export keeps the array under `weight`; anything else is the array itself. */
export function jsonArrayOf(value: unknown): unknown {
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && 'weight' in value)
    return (value as { weight: unknown }).weight;
  return value;
}

/**
 * The one kh×kw kernel of a layer export's 4-D `weight` (out × in × kh × kw) when it holds one
 * kernel (O = C = 1); a 4-D weight of several kernels is refused, saying so.
 */
function oneKernelRows(value: unknown[], name: string): unknown {
  const outer = value[0];
  if (!Array.isArray(outer) || !Array.isArray(outer[0]) || !Array.isArray((outer[0] as unknown[])[0]))
    return value;
  if (value.length === 1 && outer.length === 1) return outer[0];
  throw new KernelStudioError(
    'unsupported',
    `${name}: the weight holds ${value.length}×${outer.length} kernels (out×in); a kernel import reads one kh×kw kernel.`,
  );
}

/**
 * A parsed JSON value as a 2-D matrix: a 2-D array of numbers, or an object with a `weight`
 * (our layer export: 4-D, one kernel when O = C = 1).
 */
export function matrixFromJson(parsed: unknown, name: string): Matrix {
  const value = jsonArrayOf(parsed);
  if (!Array.isArray(value))
    throw new KernelStudioError('format', `${name}: expected a 2-D array of numbers like [[1, -1]].`);
  return matrixFromRows(oneKernelRows(value, name), name);
}

/**
 * Parses JSON holding either a 2-D array of numbers or an object with a `weight` (our own
 * one-channel layer export), so exported kernels re-import as they are.
 */
export function parseMatrixJson(text: string, name: string): Matrix {
  return matrixFromJson(parseJsonText(text, name), name);
}

/** A 2-D JSON array, one row per line, each value the shortest float32-exact decimal. */
export function serializeMatrixJson(m: Matrix): string {
  const lines = toRows(m).map((row) => `  [${row.map(formatFloat32).join(', ')}]`);
  return `[\n${lines.join(',\n')}\n]\n`;
}

const NON_FINITE: Record<string, number> = {
  nan: NaN,
  '+nan': NaN,
  '-nan': NaN,
  inf: Infinity,
  '+inf': Infinity,
  infinity: Infinity,
  '+infinity': Infinity,
  '-inf': -Infinity,
  '-infinity': -Infinity,
};

/** Picks the separator from the first data line: comma, then semicolon, then tab, else runs of whitespace. */
function detectSeparator(line: string): string | RegExp {
  if (line.includes(',')) return ',';
  if (line.includes(';')) return ';';
  if (line.includes('\t')) return '\t';
  return /\s+/;
}

/** Reads one cell; NaN/Inf words become numbers so validation reports them as non-finite, not as text. */
function parseCell(cell: string, name: string, line: number, column: number, firstRow: boolean): number {
  const value = parseDecimal(cell);
  if (value !== undefined) return value;
  const special = NON_FINITE[cell.toLowerCase()];
  if (special !== undefined) return special;
  if (cell === '') throw new KernelStudioError('format', `${name}: line ${line}, column ${column} is empty.`);
  const shown = cell.length > 20 ? `${cell.slice(0, 20)}…` : cell;
  const hint = firstRow ? ' (header rows are not supported: remove it)' : '';
  throw new KernelStudioError(
    'format',
    `${name}: line ${line}, column ${column}: "${shown}" is not a number${hint}.`,
  );
}

/**
 * Parses a table of numbers separated by commas, semicolons, tabs or whitespace.
 * Lines starting with `#` are comments (as in numpy.loadtxt); blank lines are skipped.
 * One pass straight into a Float32Array: the size and shape are checked on the first line
 * that breaks them, before the rest is read (a 4096² table is 64 MiB, not 16M JS numbers).
 */
export function parseMatrixCsv(text: string, name: string, maxSide: number = LIMITS.maxImageSide): Matrix {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lineBreak = /\r\n|\n|\r/g;
  let separator: string | RegExp | undefined;
  let rows = 0;
  let cols = 0;
  let data = new Float32Array(0);
  for (let start = 0, lineNumber = 1; start <= body.length; lineNumber++) {
    lineBreak.lastIndex = start;
    const found = lineBreak.exec(body);
    const end = found ? found.index : body.length;
    const line = body.slice(start, end).trim();
    start = found ? end + found[0].length : body.length + 1;
    if (line === '' || line.startsWith('#')) continue;
    separator ??= detectSeparator(line);
    // Split no further than the limit: a 250 MB line is not cut into 100M strings.
    const cells = line.split(separator, maxSide + 1);
    const count = cells.length > maxSide ? `more than ${maxSide}` : String(cells.length);
    if (rows === 0) {
      cols = cells.length;
      if (cols > maxSide)
        throw new KernelStudioError(
          'too-large',
          `${name} has ${count} columns, over the limit of ${maxSide}×${maxSide}.`,
        );
      data = new Float32Array(cols * Math.min(maxSide, 64));
    } else if (cells.length !== cols)
      throw new KernelStudioError(
        'ragged',
        `${name} row ${rows + 1} has ${count} values but row 1 has ${cols}.`,
      );
    if (rows === maxSide)
      throw new KernelStudioError(
        'too-large',
        `${name} has more than ${maxSide} rows, over the limit of ${maxSide}×${maxSide}.`,
      );
    if ((rows + 1) * cols > data.length) {
      const grown = new Float32Array(Math.min(maxSide, 2 * rows) * cols);
      grown.set(data);
      data = grown;
    }
    for (let c = 0; c < cols; c++)
      data[rows * cols + c] = parseCell(cells[c].trim(), name, lineNumber, c + 1, rows === 0);
    rows++;
  }
  if (rows === 0) throw new KernelStudioError('empty', `${name} is empty: it holds no numbers.`);
  const m = { rows, cols, data: data.length === rows * cols ? data : data.slice(0, rows * cols) };
  checkFinite(m, name);
  return m;
}

/** Comma-separated rows with a trailing newline; `comments` become leading `# ` lines. */
export function serializeMatrixCsv(m: Matrix, comments: readonly string[] = []): string {
  const head = comments.map((c) => `# ${c}\n`).join('');
  return (
    head +
    toRows(m)
      .map((row) => row.map(formatFloat32).join(','))
      .join('\n') +
    '\n'
  );
}
