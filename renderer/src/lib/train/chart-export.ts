/**
 * The loss chart as files: a scene (axes, ticks, polylines, legend in pixels)
 * computed once, then written as SVG text here or drawn on a canvas
 * (chart-png.ts) — so the SVG and the PNG show the same chart. Plus the data as
 * CSV. Pure functions, no DOM: unit-tested in Node.
 */
import { axisTicks } from './number-format';

export interface ChartSeries {
  readonly runId: string;
  readonly label: string;
  readonly color: string;
  readonly steps: readonly number[];
  readonly losses: readonly number[];
}

export interface ChartText {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
}

export interface Tick {
  /** Pixel position along its axis. */
  readonly at: number;
  readonly text: string;
}

export interface ChartScene {
  readonly width: number;
  readonly height: number;
  readonly text: ChartText;
  readonly plot: {
    readonly left: number;
    readonly top: number;
    readonly width: number;
    readonly height: number;
  };
  readonly xTicks: readonly Tick[];
  readonly yTicks: readonly Tick[];
  /** Each series as polylines in pixels (a log scale breaks a line where the loss is ≤ 0). */
  readonly lines: readonly { readonly color: string; readonly label: string; readonly parts: number[][] }[];
}

const MARGIN = { left: 72, right: 16, top: 36, bottom: 48 };
const LEGEND_ROW = 18;

/** "Nice" linear ticks (1, 2 or 5 × 10ⁿ apart) covering [lo, hi]. */
export function linearTicks(lo: number, hi: number, target = 6): number[] {
  const span = hi - lo || Math.abs(hi) || 1;
  const raw = span / target;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => span / s <= target) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(+v.toPrecision(12));
  return out;
}

/** Powers of ten within [lo, hi] (lo > 0), at least the two around the range. */
export function logTicks(lo: number, hi: number): number[] {
  const a = Math.floor(Math.log10(lo));
  const b = Math.ceil(Math.log10(hi));
  const out: number[] = [];
  for (let e = a; e <= b; e++) out.push(10 ** e);
  return out;
}

/** Smallest and largest value, without spreading a long array into Math.min (stack limits). */
function extent(values: readonly number[]): { lo: number; hi: number } | null {
  if (values.length === 0) return null;
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return { lo, hi };
}

export function chartScene(
  series: readonly ChartSeries[],
  options: { width: number; height: number; logScale: boolean; text: ChartText },
): ChartScene {
  const { width, logScale, text } = options;
  const legendHeight = series.length * LEGEND_ROW + 8;
  const height = options.height + legendHeight;
  const plot = {
    left: MARGIN.left,
    top: MARGIN.top,
    width: width - MARGIN.left - MARGIN.right,
    height: options.height - MARGIN.top - MARGIN.bottom,
  };
  const usable = (v: number) => Number.isFinite(v) && (!logScale || v > 0);
  const steps = extent(series.flatMap((s) => s.steps));
  const values = extent(series.flatMap((s) => s.losses.filter(usable)));
  const xMax = Math.max(2, steps?.hi ?? 0);
  const xMin = Math.min(xMax - 1, 1, steps?.lo ?? 1);
  let yLo = values ? values.lo : logScale ? 0.1 : 0;
  let yHi = values ? values.hi : 1;
  if (yLo === yHi) [yLo, yHi] = logScale ? [yLo / 10, yHi * 10] : [yLo - 1, yHi + 1];
  const yTickValues = logScale ? logTicks(yLo, yHi) : linearTicks(yLo, yHi);
  if (logScale) [yLo, yHi] = [yTickValues[0], yTickValues[yTickValues.length - 1]];
  else [yLo, yHi] = [Math.min(yLo, yTickValues[0]), Math.max(yHi, yTickValues[yTickValues.length - 1])];
  const fy = (v: number) => (logScale ? Math.log10(v) : v);
  const px = (step: number) => plot.left + ((step - xMin) / (xMax - xMin)) * plot.width;
  const py = (v: number) => plot.top + plot.height - ((fy(v) - fy(yLo)) / (fy(yHi) - fy(yLo))) * plot.height;
  const round = (v: number) => Math.round(v * 100) / 100;

  const lines = series.map((s) => {
    const parts: number[][] = [];
    let part: number[] = [];
    s.steps.forEach((step, i) => {
      const v = s.losses[i];
      if (!usable(v)) {
        if (part.length) parts.push(part);
        part = [];
        return;
      }
      part.push(round(px(step)), round(py(v)));
    });
    if (part.length) parts.push(part);
    return { color: s.color, label: s.label, parts };
  });
  return {
    width,
    height,
    text,
    plot,
    xTicks: labelled(
      linearTicks(xMin, xMax).filter((v) => Number.isInteger(v) && v >= xMin),
      (v) => round(px(v)),
    ),
    yTicks: labelled(yTickValues, (v) => round(py(v))),
    lines,
  };
}

/** Where the legend's rows start (below the plot); shared by the SVG and PNG writers. */
export function legendTop(scene: ChartScene): number {
  return scene.plot.top + scene.plot.height + MARGIN.bottom;
}
export const LEGEND_ROW_HEIGHT = LEGEND_ROW;

function esc(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

/** A standalone SVG document of the scene (white background, system fonts). */
export function chartSvg(scene: ChartScene): string {
  const { plot, width, height, text } = scene;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="12">`,
    `<title>${esc(text.title)}</title>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${width / 2}" y="22" text-anchor="middle" font-size="14" font-weight="600" fill="#111827">${esc(text.title)}</text>`,
    `<rect x="${plot.left}" y="${plot.top}" width="${plot.width}" height="${plot.height}" fill="none" stroke="#9ca3af"/>`,
  ];
  const bottom = plot.top + plot.height;
  for (const t of scene.xTicks)
    out.push(
      `<line x1="${t.at}" y1="${bottom}" x2="${t.at}" y2="${bottom + 5}" stroke="#6b7280"/>`,
      `<text x="${t.at}" y="${bottom + 18}" text-anchor="middle" fill="#374151">${esc(t.text)}</text>`,
    );
  for (const t of scene.yTicks)
    out.push(
      `<line x1="${plot.left}" y1="${t.at}" x2="${plot.left + plot.width}" y2="${t.at}" stroke="#e5e7eb"/>`,
      `<text x="${plot.left - 8}" y="${t.at + 4}" text-anchor="end" fill="#374151">${esc(t.text)}</text>`,
    );
  out.push(
    `<text x="${plot.left + plot.width / 2}" y="${bottom + 36}" text-anchor="middle" fill="#111827">${esc(text.xLabel)}</text>`,
    `<text transform="translate(16 ${plot.top + plot.height / 2}) rotate(-90)" text-anchor="middle" fill="#111827">${esc(text.yLabel)}</text>`,
  );
  for (const line of scene.lines)
    for (const part of line.parts)
      out.push(
        part.length === 2
          ? `<circle cx="${part[0]}" cy="${part[1]}" r="2.5" fill="${line.color}"/>`
          : `<polyline fill="none" stroke="${line.color}" stroke-width="2" stroke-linejoin="round" points="${pairs(part)}"/>`,
      );
  const top = legendTop(scene);
  scene.lines.forEach((line, i) => {
    const y = top + i * LEGEND_ROW;
    out.push(
      `<rect x="${plot.left}" y="${y - 9}" width="14" height="4" fill="${line.color}"/>`,
      `<text x="${plot.left + 20}" y="${y - 3}" fill="#111827">${esc(line.label)}</text>`,
    );
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

function pairs(flat: readonly number[]): string {
  const out: string[] = [];
  for (let i = 0; i < flat.length; i += 2) out.push(`${flat[i]},${flat[i + 1]}`);
  return out.join(' ');
}

function csvField(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The chart's data: one row per point, `step,loss,run,label` (loss at full precision). */
export function chartCsv(
  series: readonly Pick<ChartSeries, 'runId' | 'label' | 'steps' | 'losses'>[],
): string {
  const rows = ['step,loss,run,label'];
  for (const s of series) {
    const run = csvField(s.runId);
    const label = csvField(s.label);
    s.steps.forEach((step, i) => rows.push(`${step},${s.losses[i]},${run},${label}`));
  }
  return `${rows.join('\n')}\n`;
}

/** An axis' ticks at their places, labelled in one style (axisTicks). */
function labelled(values: readonly number[], at: (v: number) => number): { at: number; text: string }[] {
  const texts = axisTicks(values);
  return values.map((v, i) => ({ at: at(v), text: texts[i] ?? '' }));
}
