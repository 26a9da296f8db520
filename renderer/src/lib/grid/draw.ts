/** Draws a grid onto a canvas: one pixel per cell scaled up, then lines, numbers and highlights. */
import type { Matrix } from '../../../../core/matrix';
import { formatValue } from '../../../../core/im2col';
import { inkFor, writeColours, type ColourScale } from './colour';

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
}

let scratch: HTMLCanvasElement | null = null;

export function drawGrid(canvas: HTMLCanvasElement, m: Matrix, o: DrawOptions): void {
  const dpr = globalThis.devicePixelRatio || 1;
  const w = m.cols * o.cell;
  const h = m.rows * o.cell;
  canvas.width = Math.max(1, Math.round(w * dpr));
  canvas.height = Math.max(1, Math.round(h * dpr));
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  scratch ??= document.createElement('canvas');
  scratch.width = m.cols;
  scratch.height = m.rows;
  const sctx = scratch.getContext('2d')!;
  const image = sctx.createImageData(m.cols, m.rows);
  writeColours(image.data, m.data, o.revealed, o.scale);
  sctx.putImageData(image, 0, 0);
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
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
