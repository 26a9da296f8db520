/**
 * A 2-D matrix as text: JSON (nested arrays) and CSV-like tables. Parsing ends in
 * validate's `matrixFromRows`, so empty, ragged, non-finite and oversized input all
 * get the same clear messages wherever the text came from.
 */
import { KernelStudioError } from '../errors';
import type { Matrix } from '../matrix';
import { toRows } from '../matrix';
import { matrixFromRows } from '../validate';
import { formatFloat32, parseDecimal } from './numbers';

/**
 * Parses JSON holding either a 2-D array of numbers or an object with a `weight`
 * 2-D array (our own kernel export), so exported kernels re-import as they are.
 */
export function parseMatrixJson(text: string, name: string): Matrix {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    throw new KernelStudioError('format', `${name}: not valid JSON (${detail}).`);
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && 'weight' in value)
    value = (value as { weight: unknown }).weight;
  if (!Array.isArray(value))
    throw new KernelStudioError('format', `${name}: expected a 2-D array of numbers like [[1, -1]].`);
  return matrixFromRows(value, name);
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
 */
export function parseMatrixCsv(text: string, name: string): Matrix {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lines = body.split(/\r\n|\n|\r/);
  const rows: number[][] = [];
  let separator: string | RegExp | undefined;
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    separator ??= detectSeparator(line);
    const cells = line.split(separator).map((cell) => cell.trim());
    const firstRow = rows.length === 0;
    rows.push(cells.map((cell, c) => parseCell(cell, name, index + 1, c + 1, firstRow)));
  });
  if (rows.length === 0) throw new KernelStudioError('empty', `${name} is empty: it holds no numbers.`);
  return matrixFromRows(rows, name);
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
