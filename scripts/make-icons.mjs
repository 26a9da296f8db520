#!/usr/bin/env node
// Draws the app icon (a 3×3 kernel grid with a diverging palette) and writes every
// format electron-builder wants: build/icon.png (512), build/icons/NxN.png (Linux),
// build/icon.ico (Windows, PNG-in-ICO) and build/icon.icns (macOS, PNG entries).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';

const out = join(import.meta.dirname, '..', 'build');
const weights = [
  [-1, 0, 1],
  [-2, 0, 2],
  [-1, 0, 1],
];

function colour(v) {
  // Blue for negative, white for zero, red for positive: the app's diverging map.
  const t = Math.max(-1, Math.min(1, v / 2));
  const a = Math.abs(t);
  return t < 0 ? [255 - 200 * a, 255 - 140 * a, 255] : [255, 255 - 170 * a, 255 - 190 * a];
}

function draw(size) {
  const png = new PNG({ width: size, height: size });
  const margin = Math.round(size * 0.08);
  const radius = Math.round(size * 0.18);
  const cell = (size - 2 * margin) / 3;
  const gap = Math.max(1, Math.round(size * 0.02));
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = (y * size + x) * 4;
      // Rounded dark tile.
      const dx = Math.max(0, Math.abs(x - size / 2) - (size / 2 - radius));
      const dy = Math.max(0, Math.abs(y - size / 2) - (size / 2 - radius));
      const inside = dx * dx + dy * dy <= radius * radius;
      let rgb = [30, 32, 40];
      const gx = Math.floor((x - margin) / cell);
      const gy = Math.floor((y - margin) / cell);
      const fx = (x - margin) % cell;
      const fy = (y - margin) % cell;
      if (
        gx >= 0 &&
        gx < 3 &&
        gy >= 0 &&
        gy < 3 &&
        fx > gap &&
        fy > gap &&
        fx < cell - gap &&
        fy < cell - gap
      )
        rgb = colour(weights[gy][gx]);
      png.data[i] = rgb[0];
      png.data[i + 1] = rgb[1];
      png.data[i + 2] = rgb[2];
      png.data[i + 3] = inside ? 255 : 0;
    }
  }
  return PNG.sync.write(png);
}

function ico(pngs) {
  const header = Buffer.alloc(6 + 16 * pngs.length);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(pngs.length, 4);
  let offset = header.length;
  pngs.forEach(({ size, data }, n) => {
    const e = 6 + 16 * n;
    header.writeUInt8(size >= 256 ? 0 : size, e);
    header.writeUInt8(size >= 256 ? 0 : size, e + 1);
    header.writeUInt16LE(1, e + 4);
    header.writeUInt16LE(32, e + 6);
    header.writeUInt32LE(data.length, e + 8);
    header.writeUInt32LE(offset, e + 12);
    offset += data.length;
  });
  return Buffer.concat([header, ...pngs.map((p) => p.data)]);
}

function icns(entries) {
  const chunks = entries.map(({ type, data }) => {
    const head = Buffer.alloc(8);
    head.write(type, 0, 'ascii');
    head.writeUInt32BE(data.length + 8, 4);
    return Buffer.concat([head, data]);
  });
  const body = Buffer.concat(chunks);
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'ascii');
  head.writeUInt32BE(body.length + 8, 4);
  return Buffer.concat([head, body]);
}

mkdirSync(join(out, 'icons'), { recursive: true });
const sizes = [16, 32, 48, 64, 128, 256, 512, 1024];
const images = Object.fromEntries(sizes.map((s) => [s, draw(s)]));
writeFileSync(join(out, 'icon.png'), images[512]);
for (const s of [16, 32, 48, 64, 128, 256, 512])
  writeFileSync(join(out, 'icons', `${s}x${s}.png`), images[s]);
writeFileSync(join(out, 'icon.ico'), ico([16, 32, 48, 256].map((size) => ({ size, data: images[size] }))));
writeFileSync(
  join(out, 'icon.icns'),
  icns([
    { type: 'icp4', data: images[16] },
    { type: 'icp5', data: images[32] },
    { type: 'icp6', data: images[64] },
    { type: 'ic07', data: images[128] },
    { type: 'ic08', data: images[256] },
    { type: 'ic09', data: images[512] },
    { type: 'ic10', data: images[1024] },
  ]),
);
console.log('icons written to build/');
