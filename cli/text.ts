/** Plain-text output in d2l's style: matrices as aligned rows, losses as %.3f. */
import type { Matrix } from '#core/matrix';
import type { Tensor3 } from '#core/tensor';
import { channel } from '#core/tensor';

/** Six significant digits, no float32 noise ("0.3", not "0.30000001192092896"). */
export function formatValue(value: number): string {
  return String(Number(value.toPrecision(6)));
}

/**
 * Right-aligned columns separated by spaces, handed to `write` a row at a time (no one string of
 * a whole 4096² Y). The result reads back as a whitespace-separated matrix file, so
 * `corr2d … > y.txt` can feed `train --y y.txt`.
 */
export function writeMatrixText(m: Matrix, write: (text: string) => void): void {
  // The column width first, then each row formatted again: no array of 16M cell strings.
  let width = 0;
  for (let i = 0; i < m.data.length; i++) width = Math.max(width, formatValue(m.data[i]).length);
  for (let r = 0; r < m.rows; r++) {
    const cells: string[] = [];
    for (let c = 0; c < m.cols; c++) cells.push(formatValue(m.data[r * m.cols + c]).padStart(width));
    write(`${cells.join('  ')}\n`);
  }
}

/** `writeMatrixText` as one string (small matrices: a trained kernel). */
export function formatMatrix(m: Matrix): string {
  const rows: string[] = [];
  writeMatrixText(m, (row) => rows.push(row));
  return rows.join('');
}

/** d2l's `'%.3f' % loss`; huge or non-finite losses stay readable. */
export function formatLoss(loss: number): string {
  if (!Number.isFinite(loss)) return String(loss);
  return Math.abs(loss) >= 1e15 ? loss.toExponential(3) : loss.toFixed(3);
}

/** Several output channels: each as `channel N:` and its rows. */
export function writeStackText(t: Tensor3, write: (text: string) => void): void {
  for (let c = 0; c < t.channels; c++) {
    write(`channel ${c}:\n`);
    writeMatrixText(channel(t, c), write);
  }
}

/** `{"y": [[…], …], "backend": "cpu"}` a row at a time: Y's values as JSON numbers (nested per channel when there are several). */
export function writeJsonY(
  y: Tensor3,
  nested: boolean,
  backend: string,
  write: (text: string) => void,
): void {
  write('{"y":[');
  for (let c = 0; c < y.channels; c++) {
    if (nested) write(c === 0 ? '[' : ',[');
    for (let r = 0; r < y.rows; r++) {
      const start = (c * y.rows + r) * y.cols;
      write(`${r === 0 ? '' : ','}${JSON.stringify(Array.from(y.data.subarray(start, start + y.cols)))}`);
    }
    if (nested) write(']');
  }
  write(`],"backend":${JSON.stringify(backend)}}\n`);
}
