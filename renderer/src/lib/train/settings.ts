/** Parsing for the training settings form (plain functions, unit-tested). */
import { fromRows, toRows, type Matrix } from '#core/matrix';
import { LIMITS } from '#core/types';

/** "0.3 0.2; 1 -1" (rows by ';' or new lines, values by spaces or commas) → a matrix, or an error message. */
export function parseKernelText(text: string): Matrix | string {
  const rows = text
    .split(/[;\n]/)
    .map((r) => r.trim())
    .filter((r) => r.length > 0)
    .map((r) => r.split(/[\s,]+/).map(Number));
  if (rows.length === 0) return 'Enter at least one value.';
  const cols = rows[0].length;
  if (rows.some((r) => r.length !== cols)) return 'Every row needs the same number of values.';
  if (rows.some((r) => r.some((v) => !Number.isFinite(v)))) return 'Values must be finite numbers.';
  if (rows.length > LIMITS.maxKernelSide || cols > LIMITS.maxKernelSide)
    return `A kernel is at most ${LIMITS.maxKernelSide}×${LIMITS.maxKernelSide}.`;
  return fromRows(rows);
}

export function kernelText(m: Matrix): string {
  return toRows(m)
    .map((r) => r.map((v) => String(Math.round(v * 1e6) / 1e6)).join(' '))
    .join('; ');
}
