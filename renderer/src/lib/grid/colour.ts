/**
 * Colour maps for grids. Signed values use a diverging map (blue − · white 0 · red +)
 * symmetric around 0, so −1 and +1 are equally visible; 'gray' maps lo…hi to black…white.
 */
import { formatValue } from '#core/im2col';
import type { Matrix } from '#core/matrix';

export interface ColourScale {
  readonly kind: 'diverging' | 'gray';
  /** For 'diverging': −limit … +limit; for 'gray': the values shown black and white. */
  readonly lo: number;
  readonly hi: number;
  /** Dark theme: 0 is drawn dark and the ends brighter, so the grid sits well on a dark window. */
  readonly dark?: boolean;
}

export type Rgb = readonly [number, number, number];

const LIGHT = { neg: [33, 102, 172], mid: [247, 247, 247], pos: [178, 24, 43] } as const;
const DARK = { neg: [86, 156, 236], mid: [40, 40, 44], pos: [232, 86, 86] } as const;

/** The colour of an output cell the animation has not reached yet. */
export function pendingColour(scale: ColourScale): Rgb {
  return scale.dark ? [78, 78, 84] : [200, 200, 204];
}

function mix(a: Rgb, b: Rgb, t: number): Rgb {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

/** A diverging scale covering the matrix's values (at least ±`floor`). */
export function autoScale(m: Matrix | null, floor = 1, dark = false): ColourScale {
  let limit = floor;
  // An indexed loop: 10× faster than for…of on a typed array, and this runs on every edit → Y.
  const data = m?.data ?? [];
  for (let i = 0; i < data.length; i++) {
    const a = Math.abs(data[i]);
    if (a > limit) limit = a;
  }
  return { kind: 'diverging', lo: -limit, hi: limit, dark };
}

/** A grey scale (black … white) covering the matrices' values, at least 0 … 1: how an image reads. */
export function grayScale(ms: readonly Matrix[], dark = false): ColourScale {
  let lo = 0;
  let hi = 1;
  for (const m of ms)
    for (const v of m.data)
      if (Number.isFinite(v)) {
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
  return { kind: 'gray', lo, hi, dark };
}

/** Fills `out` (RGBA) with the colours of three channels read as R, G and B, each lo … hi → 0 … 255. */
export function writeRgb(out: Uint8ClampedArray, rgb: readonly Matrix[], scale: ColourScale): void {
  const k = 255 / (scale.hi - scale.lo || 1);
  for (let i = 0, p = 0; i < rgb[0].data.length; i++, p += 4) {
    for (let c = 0; c < 3; c++) out[p + c] = (rgb[c].data[i] - scale.lo) * k;
    out[p + 3] = 255;
  }
}

export function colourOf(v: number, scale: ColourScale): Rgb {
  if (!Number.isFinite(v)) return [255, 0, 255];
  if (scale.kind === 'gray') {
    const t = Math.min(1, Math.max(0, (v - scale.lo) / (scale.hi - scale.lo || 1)));
    return [255 * t, 255 * t, 255 * t];
  }
  const limit = Math.max(Math.abs(scale.lo), Math.abs(scale.hi)) || 1;
  const t = Math.max(-1, Math.min(1, v / limit));
  const p = scale.dark ? DARK : LIGHT;
  return t >= 0 ? mix(p.mid, p.pos, t) : mix(p.mid, p.neg, -t);
}

/** WCAG 2's relative luminance of an sRGB colour (0–255 channels). */
export function luminance(rgb: Rgb): number {
  const [r, g, b] = rgb.map((v) => {
    const c = v / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG 2's contrast ratio of two colours (1–21). */
export function contrast(a: Rgb, b: Rgb): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/**
 * Black or white text, whichever contrasts more with `rgb` (WCAG 2): at least 4.58 on any
 * background, above the 4.5 that normal text needs.
 */
export function inkFor(rgb: Rgb): string {
  return contrast(rgb, [0, 0, 0]) >= contrast(rgb, [255, 255, 255]) ? '#000' : '#fff';
}

/** A CSS linear-gradient for the legend (set with a `style:` directive, which the CSP allows). */
export function gradientCss(scale: ColourScale): string {
  const stops = [0, 0.25, 0.5, 0.75, 1].map((t) => {
    const [r, g, b] = colourOf(scale.lo + (scale.hi - scale.lo) * t, scale);
    return `rgb(${Math.round(r)} ${Math.round(g)} ${Math.round(b)}) ${t * 100}%`;
  });
  return `linear-gradient(to right, ${stops.join(', ')})`;
}

const LEVELS = 1024;
/** Tables by scale, a few at once: X and Y are drawn in turn, each with its own scale. */
const tables = new Map<string, Uint8ClampedArray>();
const KEPT_TABLES = 8;

/**
 * The scale as a lookup table of LEVELS colours (RGB triples) from lo to hi, so that
 * drawing a 256×256 grid costs an index per cell rather than a colour mix.
 */
function table(scale: ColourScale): Uint8ClampedArray {
  const key = `${scale.kind}|${scale.lo}|${scale.hi}|${scale.dark ?? false}`;
  const kept = tables.get(key);
  if (kept) return kept;
  const t = new Uint8ClampedArray(LEVELS * 3);
  for (let i = 0; i < LEVELS; i++) {
    const rgb = colourOf(scale.lo + ((scale.hi - scale.lo) * i) / (LEVELS - 1), scale);
    t.set([Math.round(rgb[0]), Math.round(rgb[1]), Math.round(rgb[2])], i * 3);
  }
  // The oldest goes first (a Map keeps insertion order).
  if (tables.size >= KEPT_TABLES) tables.delete(tables.keys().next().value!);
  tables.set(key, t);
  return t;
}

/** Writes the colour of value `v` at cell `i` into pixel `p` of `out` (RGBA): one scale, one revealed count. */
type CellWriter = (out: Uint8ClampedArray, p: number, i: number, v: number) => void;

function cellWriter(revealed: number, scale: ColourScale): CellWriter {
  const t = table(scale);
  const lo = scale.lo;
  const k = (LEVELS - 1) / (scale.hi - scale.lo || 1);
  const pending = pendingColour(scale);
  return (out, p, i, v) => {
    const rgb = i >= revealed ? pending : Number.isFinite(v) ? null : colourOf(v, scale);
    if (rgb) {
      out[p] = rgb[0];
      out[p + 1] = rgb[1];
      out[p + 2] = rgb[2];
    } else {
      const level = 3 * Math.round(Math.min(LEVELS - 1, Math.max(0, (v - lo) * k)));
      out[p] = t[level];
      out[p + 1] = t[level + 1];
      out[p + 2] = t[level + 2];
    }
    out[p + 3] = 255;
  };
}

/**
 * Fills `out` (RGBA, one pixel per value) with the colours of `data`; values at or
 * past index `revealed` get the pending colour (the animation has not reached them).
 */
export function writeColours(
  out: Uint8ClampedArray,
  data: ArrayLike<number>,
  revealed: number,
  scale: ColourScale,
): void {
  const write = cellWriter(revealed, scale);
  for (let i = 0; i < data.length; i++) write(out, 4 * i, i, data[i]);
}

/** The cells a redraw changed: indices `first` … `last` (row-major), or null when none changed. */
export type ChangedSpan = { readonly first: number; readonly last: number } | null;

/**
 * `writeColours` for an `out` already coloured from `seen` (same scale, same revealed count):
 * recolours only the cells whose value differs from `seen`, and brings `seen` up to `data`. An
 * edit changes one cell of X and a window of Y, so a redraw costs a comparison per cell, not a
 * colour. Values are compared as bits (a whole-number comparison, the fastest here): a NaN that
 * stays NaN is not recoloured, and -0 after 0 is (in the same colour).
 */
export function writeChangedColours(
  out: Uint8ClampedArray,
  data: Float32Array,
  seen: Float32Array,
  revealed: number,
  scale: ColourScale,
): ChangedSpan {
  const now = new Uint32Array(data.buffer, data.byteOffset, data.length);
  const was = new Uint32Array(seen.buffer, seen.byteOffset, seen.length);
  let write: CellWriter | null = null;
  let first = -1;
  let last = -1;
  for (let i = 0; i < now.length; i++) {
    if (now[i] === was[i]) continue;
    write ??= cellWriter(revealed, scale);
    write(out, 4 * i, i, data[i]);
    was[i] = now[i];
    if (first < 0) first = i;
    last = i;
  }
  return first < 0 ? null : { first, last };
}

/**
 * An end of a colour scale as its legend writes it: four significant digits ("1083", not
 * "1083.3444"), so the label fits its card; the cells keep their full values.
 */
export function scaleEndLabel(v: number): string {
  return formatValue(Number(v.toPrecision(4)));
}
