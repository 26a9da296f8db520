import type { Matrix } from '#core/matrix';

/**
 * Renders a grid as a grayscale PNG: black = min(0, smallest value),
 * white = max(1, largest value), so a 0/1 image keeps its true shades.
 * Each cell becomes a square of pixels (up to 32), at least 1.
 */
export async function gridToPng(m: Matrix): Promise<Uint8Array> {
  let lo = 0;
  let hi = 1;
  for (const v of m.data) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const scale = Math.max(1, Math.min(32, Math.floor(512 / Math.max(m.rows, m.cols))));
  const canvas = document.createElement('canvas');
  canvas.width = m.cols * scale;
  canvas.height = m.rows * scale;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('This browser cannot draw to a canvas.');
  const image = ctx.createImageData(canvas.width, canvas.height);
  for (let y = 0; y < canvas.height; y++) {
    const row = Math.floor(y / scale);
    for (let x = 0; x < canvas.width; x++) {
      const v = m.data[row * m.cols + Math.floor(x / scale)];
      const g = Math.round(((v - lo) / (hi - lo)) * 255);
      const i = (y * canvas.width + x) * 4;
      image.data[i] = image.data[i + 1] = image.data[i + 2] = g;
      image.data[i + 3] = 255;
    }
  }
  ctx.putImageData(image, 0, 0);
  const blob = await new Promise<Blob | null>((done) => canvas.toBlob(done, 'image/png'));
  if (!blob) throw new Error('Could not encode the PNG.');
  return new Uint8Array(await blob.arrayBuffer());
}
