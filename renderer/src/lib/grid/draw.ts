/** Draws a grid onto a canvas: one pixel per cell scaled up, then lines, numbers and highlights. */
import type { Matrix } from '#core/matrix';
import { formatValue } from '#core/im2col';
import { inkFor, writeChangedColours, writeColours, writeRgb, type ColourScale } from './colour';

export interface Rect {
  readonly row: number;
  readonly col: number;
  readonly rows: number;
  readonly cols: number;
}

export interface DrawOptions {
  readonly cell: number;
  readonly scale: ColourScale;
  readonly numbers: boolean;
  /** Cells with a row-major index at or past this are drawn as not yet computed. */
  readonly revealed: number;
  readonly highlight: readonly Rect[];
  readonly cursor: { row: number; col: number } | null;
  /**
   * Zero padding drawn as ghost cells around the matrix, `[rows, cols]` on each side. Highlights
   * and the cursor are in the matrix's coordinates: a window may reach into the ghost cells.
   */
  readonly pad?: readonly [number, number];
  /** Three channels of the matrix's size drawn as R, G, B (on `scale`'s lo … hi) instead of the scale's colours. */
  readonly rgb?: readonly Matrix[];
}

/** The ghost cells of the zero padding: a dashed outline and a faint 0 around the matrix. */
function drawPadding(ctx: CanvasRenderingContext2D, m: Matrix, o: DrawOptions, pr: number, pc: number): void {
  const rows = m.rows + 2 * pr;
  const cols = m.cols + 2 * pc;
  ctx.save();
  ctx.fillStyle = o.scale.dark ? 'rgba(255,255,255,0.04)' : 'rgba(0,0,0,0.03)';
  ctx.strokeStyle = o.scale.dark ? 'rgba(255,255,255,0.25)' : 'rgba(0,0,0,0.3)';
  ctx.setLineDash([2, 2]);
  ctx.lineWidth = 1;
  ctx.font = `${Math.min(14, Math.floor(o.cell * 0.36))}px system-ui, sans-serif`;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  if (o.cell < 6 && !o.numbers) {
    // Cells too small for an outline or a 0: the four bands of ghost cells, one fill each.
    const w = cols * o.cell;
    ctx.fillRect(0, 0, w, pr * o.cell);
    ctx.fillRect(0, (pr + m.rows) * o.cell, w, pr * o.cell);
    ctx.fillRect(0, pr * o.cell, pc * o.cell, m.rows * o.cell);
    ctx.fillRect((pc + m.cols) * o.cell, pr * o.cell, pc * o.cell, m.rows * o.cell);
    ctx.restore();
    return;
  }
  const every = Array.from({ length: cols }, (_, c) => c);
  // A row of the matrix has ghost cells only at its two ends.
  const ends = every.filter((c) => c < pc || c >= pc + m.cols);
  for (let r = 0; r < rows; r++)
    for (const c of r < pr || r >= pr + m.rows ? every : ends) {
      ctx.fillRect(c * o.cell, r * o.cell, o.cell, o.cell);
      if (o.cell >= 6) ctx.strokeRect(c * o.cell + 0.5, r * o.cell + 0.5, o.cell - 1, o.cell - 1);
      if (o.numbers) {
        ctx.fillStyle = o.scale.dark ? 'rgba(255,255,255,0.35)' : 'rgba(0,0,0,0.35)';
        ctx.fillText('0', c * o.cell + o.cell / 2, r * o.cell + o.cell / 2);
        ctx.fillStyle = o.scale.dark ? 'rgba(255,255,255,0.04)' : 'rgba(0,0,0,0.03)';
      }
    }
  ctx.restore();
}

/**
 * A grid's cells as last drawn on one canvas: a pixel per cell (`image`, also put on `pixels`,
 * which is scaled onto the canvas), the values they were coloured from, and for which scale and
 * revealed count (`key`; '' after an RGB draw). A redraw recolours only the cells that changed.
 */
interface CellImage {
  readonly pixels: HTMLCanvasElement;
  readonly image: ImageData;
  readonly seen: Float32Array;
  key: string;
}

const cellImages = new WeakMap<HTMLCanvasElement, CellImage>();

/** The canvas's cell image brought up to `m` and `o` (only what changed is recoloured and put). */
function cellImage(canvas: HTMLCanvasElement, m: Matrix, o: DrawOptions): CellImage {
  let cells = cellImages.get(canvas);
  if (cells?.image.width !== m.cols || cells.image.height !== m.rows) {
    const pixels = document.createElement('canvas');
    pixels.width = m.cols;
    pixels.height = m.rows;
    const image = new ImageData(m.cols, m.rows);
    cells = { pixels, image, seen: new Float32Array(m.rows * m.cols), key: '' };
    cellImages.set(canvas, cells);
  }
  const ctx = cells.pixels.getContext('2d')!;
  const key = o.rgb
    ? ''
    : `${o.scale.kind} ${o.scale.lo} ${o.scale.hi} ${o.scale.dark ?? false} ${o.revealed}`;
  if (o.rgb || key !== cells.key) {
    if (o.rgb) writeRgb(cells.image.data, o.rgb, o.scale);
    else writeColours(cells.image.data, m.data, o.revealed, o.scale);
    cells.seen.set(m.data);
    cells.key = key;
    ctx.putImageData(cells.image, 0, 0);
    return cells;
  }
  const changed = writeChangedColours(cells.image.data, m.data, cells.seen, o.revealed, o.scale);
  if (changed) {
    const first = Math.floor(changed.first / m.cols);
    const last = Math.floor(changed.last / m.cols);
    ctx.putImageData(cells.image, 0, 0, 0, first, m.cols, last - first + 1);
  }
  return cells;
}

export function drawGrid(canvas: HTMLCanvasElement, m: Matrix, o: DrawOptions): void {
  const dpr = globalThis.devicePixelRatio || 1;
  const [pr, pc] = o.pad ?? [0, 0];
  const w = m.cols * o.cell;
  const h = m.rows * o.cell;
  const width = Math.max(1, Math.round((w + 2 * pc * o.cell) * dpr));
  const height = Math.max(1, Math.round((h + 2 * pr * o.cell) * dpr));
  // A new size allocates and clears the canvas; the same size is only cleared (reset).
  const resized = canvas.width !== width || canvas.height !== height;
  if (resized) {
    canvas.width = width;
    canvas.height = height;
  }
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  if (!resized) ctx.reset();
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  if (pr > 0 || pc > 0) drawPadding(ctx, m, o, pr, pc);
  // Everything below is drawn in the matrix's own coordinates.
  ctx.translate(pc * o.cell, pr * o.cell);
  const { pixels, image } = cellImage(canvas, m, o);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(pixels, 0, 0, w, h);
  if (o.cell >= 8) {
    ctx.strokeStyle = o.scale.dark ? 'rgba(255,255,255,0.12)' : 'rgba(0,0,0,0.18)';
    ctx.lineWidth = 1;
    ctx.beginPath();
    for (let r = 0; r <= m.rows; r++) {
      ctx.moveTo(0, r * o.cell + 0.5);
      ctx.lineTo(w, r * o.cell + 0.5);
    }
    for (let c = 0; c <= m.cols; c++) {
      ctx.moveTo(c * o.cell + 0.5, 0);
      ctx.lineTo(c * o.cell + 0.5, h);
    }
    ctx.stroke();
  }
  if (o.numbers) {
    ctx.font = `${Math.min(14, Math.floor(o.cell * 0.36))}px system-ui, sans-serif`;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    for (let i = 0; i < Math.min(m.data.length, o.revealed); i++) {
      const text = formatValue(m.data[i]);
      if (ctx.measureText(text).width > o.cell - 4) continue;
      ctx.fillStyle = inkFor([image.data[i * 4], image.data[i * 4 + 1], image.data[i * 4 + 2]]);
      const r = Math.floor(i / m.cols);
      const c = i % m.cols;
      ctx.fillText(text, c * o.cell + o.cell / 2, r * o.cell + o.cell / 2);
    }
  }
  ctx.lineWidth = 3;
  ctx.strokeStyle = '#f59e0b';
  for (const rect of o.highlight)
    ctx.strokeRect(
      rect.col * o.cell + 1.5,
      rect.row * o.cell + 1.5,
      rect.cols * o.cell - 3,
      rect.rows * o.cell - 3,
    );
  if (o.cursor) {
    ctx.lineWidth = 2;
    ctx.strokeStyle = '#2563eb';
    ctx.setLineDash([3, 2]);
    ctx.strokeRect(o.cursor.col * o.cell + 1, o.cursor.row * o.cell + 1, o.cell - 2, o.cell - 2);
    ctx.setLineDash([]);
  }
}
