/** Draws a chart scene (chart-export.ts) on a canvas and encodes it as PNG: the same picture as the SVG. */
import { LEGEND_ROW_HEIGHT, legendTop, type ChartScene } from './chart-export';

export async function chartPng(scene: ChartScene, pixelRatio = 2): Promise<Uint8Array> {
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(scene.width * pixelRatio);
  canvas.height = Math.round(scene.height * pixelRatio);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('This browser cannot draw to a canvas.');
  ctx.scale(pixelRatio, pixelRatio);
  const { plot, text } = scene;
  const bottom = plot.top + plot.height;
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, scene.width, scene.height);
  ctx.font = '600 14px system-ui, sans-serif';
  ctx.fillStyle = '#111827';
  ctx.textAlign = 'center';
  ctx.fillText(text.title, scene.width / 2, 22);
  ctx.font = '12px system-ui, sans-serif';
  ctx.lineWidth = 1;
  for (const t of scene.yTicks) {
    ctx.strokeStyle = '#e5e7eb';
    line(ctx, [plot.left, t.at, plot.left + plot.width, t.at]);
    ctx.fillStyle = '#374151';
    ctx.textAlign = 'right';
    ctx.fillText(t.text, plot.left - 8, t.at + 4);
  }
  ctx.textAlign = 'center';
  for (const t of scene.xTicks) {
    ctx.strokeStyle = '#6b7280';
    line(ctx, [t.at, bottom, t.at, bottom + 5]);
    ctx.fillText(t.text, t.at, bottom + 18);
  }
  ctx.strokeStyle = '#9ca3af';
  ctx.strokeRect(plot.left, plot.top, plot.width, plot.height);
  ctx.fillStyle = '#111827';
  ctx.fillText(text.xLabel, plot.left + plot.width / 2, bottom + 36);
  ctx.save();
  ctx.translate(16, plot.top + plot.height / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.fillText(text.yLabel, 0, 0);
  ctx.restore();
  ctx.lineWidth = 2;
  ctx.lineJoin = 'round';
  for (const l of scene.lines)
    for (const part of l.parts) {
      ctx.strokeStyle = ctx.fillStyle = l.color;
      if (part.length === 2) {
        ctx.beginPath();
        ctx.arc(part[0], part[1], 2.5, 0, 2 * Math.PI);
        ctx.fill();
      } else line(ctx, part);
    }
  ctx.textAlign = 'left';
  const top = legendTop(scene);
  scene.lines.forEach((l, i) => {
    const y = top + i * LEGEND_ROW_HEIGHT;
    ctx.fillStyle = l.color;
    ctx.fillRect(plot.left, y - 9, 14, 4);
    ctx.fillStyle = '#111827';
    ctx.fillText(l.label, plot.left + 20, y - 3);
  });
  const blob = await new Promise<Blob | null>((done) => canvas.toBlob(done, 'image/png'));
  if (!blob) throw new Error('Could not encode the PNG.');
  return new Uint8Array(await blob.arrayBuffer());
}

/** A polyline through flat [x0, y0, x1, y1, …] pixel coordinates. */
function line(ctx: CanvasRenderingContext2D, flat: readonly number[]): void {
  ctx.beginPath();
  ctx.moveTo(flat[0], flat[1]);
  for (let i = 2; i < flat.length; i += 2) ctx.lineTo(flat[i], flat[i + 1]);
  ctx.stroke();
}
