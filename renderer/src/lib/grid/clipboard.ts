/** Grids as clipboard text: CSV or JSON out, either one in (sniffed from the first character). */
import {
  parseMatrixCsv,
  parseMatrixJson,
  serializeMatrixCsv,
  serializeMatrixJson,
} from '#core/formats/index';
import { KernelStudioError, userMessage } from '#core/errors';
import type { Matrix } from '#core/matrix';

export type TextFormat = 'csv' | 'json';

export function gridToText(m: Matrix, format: TextFormat): string {
  return format === 'json' ? serializeMatrixJson(m) : serializeMatrixCsv(m);
}

/** Parses pasted text and checks it against the editor's size limits. */
export function gridFromText(text: string, name: string, maxRows: number, maxCols: number): Matrix {
  const trimmed = text.trim();
  const m =
    trimmed.startsWith('[') || trimmed.startsWith('{')
      ? parseMatrixJson(trimmed, name)
      : parseMatrixCsv(trimmed, name);
  if (m.rows > maxRows || m.cols > maxCols)
    throw new KernelStudioError(
      'too-large',
      `${name} is ${m.rows}×${m.cols}, over the limit of ${maxRows}×${maxCols}.`,
    );
  return m;
}

/** A copy event on a grid: puts the grid on the clipboard as CSV. */
export function copyEvent(event: ClipboardEvent, m: Matrix): void {
  event.preventDefault();
  event.clipboardData?.setData('text/plain', gridToText(m, 'csv'));
}

/** A paste event on a grid: hands the parsed grid to `apply`; returns the error message, if any. */
export function pasteEvent(
  event: ClipboardEvent,
  name: string,
  maxRows: number,
  maxCols: number,
  apply: (m: Matrix) => void,
): string | null {
  event.preventDefault();
  try {
    apply(gridFromText(event.clipboardData?.getData('text/plain') ?? '', name, maxRows, maxCols));
    return null;
  } catch (e) {
    return userMessage(e);
  }
}
