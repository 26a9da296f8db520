/** Draws a grid onto a canvas: one pixel per cell scaled up, then lines, numbers and highlights. */
import type { Matrix } from '#core/matrix';
import { formatValue } from '#core/im2col';
import { inkFor, writeColours, writeRgb, type ColourScale } from './colour';

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
  const ghost = (r: number, c: number): boolean => r < pr || c < pc || r >= pr + m.rows || c >= pc + m.cols;
  ctx.save();
  ctx.fillStyle = o.scale.dark ? 'rgba(255,255,255,0.04)' : 'rgba(0,0,0,0.03)';
  ctx.strokeStyle = o.scale.dark ? 'rgba(255,255,255,0.25)' : 'rgba(0,0,0,0.3)';
  ctx.setLineDash([2, 2]);
  ctx.lineWidth = 1;
  ctx.font = `${Math.min(14, Math.floor(o.cell * 0.36))}px system-ui, sans-serif`;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) {
      if (!ghost(r, c)) continue;
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

let scratch: HTMLCanvasElement | null = null;

export function drawGrid(canvas: HTMLCanvasElement, m: Matrix, o: DrawOptions): void {
  const dpr = globalThis.devicePixelRatio || 1;
  const [pr, pc] = o.pad ?? [0, 0];
  const w = m.cols * o.cell;
  const h = m.rows * o.cell;
  canvas.width = Math.max(1, Math.round((w + 2 * pc * o.cell) * dpr));
  canvas.height = Math.max(1, Math.round((h + 2 * pr * o.cell) * dpr));
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  if (pr > 0 || pc > 0) drawPadding(ctx, m, o, pr, pc);
  // Everything below is drawn in the matrix's own coordinates.
  ctx.translate(pc * o.cell, pr * o.cell);
  scratch ??= document.createElement('canvas');
  scratch.width = m.cols;
  scratch.height = m.rows;
  const sctx = scratch.getContext('2d')!;
  const image = sctx.createImageData(m.cols, m.rows);
  if (o.rgb) writeRgb(image.data, o.rgb, o.scale);
  else writeColours(image.data, m.data, o.revealed, o.scale);
  sctx.putImageData(image, 0, 0);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(scratch, 0, 0, w, h);
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
