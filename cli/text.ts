/** Plain-text output in d2l's style: matrices as aligned rows, losses as %.3f. */
import type { Matrix } from '#core/matrix';
import type { Tensor3 } from '#core/tensor';
import { channel } from '#core/tensor';

/** Six significant digits, no float32 noise ("0.3", not "0.30000001192092896"). */
export function formatValue(value: number): string {
  return String(Number(value.toPrecision(6)));
}

/**
 * Right-aligned columns separated by spaces. The result reads back as a
 * whitespace-separated matrix file, so `corr2d … > y.txt` can feed `train --y y.txt`.
 */
export function formatMatrix(m: Matrix): string {
  const cells = Array.from(m.data, formatValue);
  // A loop, not Math.max(...cells): spreading 4096² arguments overflows the stack.
  let width = 0;
  for (const cell of cells) if (cell.length > width) width = cell.length;
  const lines: string[] = [];
  for (let r = 0; r < m.rows; r++)
    lines.push(
      cells
        .slice(r * m.cols, (r + 1) * m.cols)
        .map((c) => c.padStart(width))
        .join('  '),
    );
  return lines.join('\n') + '\n';
}

/** d2l's `'%.3f' % loss`; huge or non-finite losses stay readable. */
export function formatLoss(loss: number): string {
  if (!Number.isFinite(loss)) return String(loss);
  return Math.abs(loss) >= 1e15 ? loss.toExponential(3) : loss.toFixed(3);
}

/** Several output channels: each as `channel N:` and its rows. */
export function formatStack(t: Tensor3): string {
  return Array.from({ length: t.channels }, (_, c) => `channel ${c}:\n${formatMatrix(channel(t, c))}`).join(
    '',
  );
}
