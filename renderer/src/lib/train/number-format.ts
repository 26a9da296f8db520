/** How the loss chart (main, pop-out and exports) writes numbers: short at any magnitude. */

/** Trims "5.40" → "5.4", "1.0" → "1". */
function trim(text: string): string {
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}

/**
 * An axis tick in at most 7 characters: 0.25, 120, 5.4k, 5.4M, 1.2G, then
 * exponent form (1e26, 5.4e-7) beyond, so a label never needs more room than the axis has.
 */
export function compactTick(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e12 || a < 1e-3) return exponentTick(v);
  for (const [scale, suffix] of [
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
  ] as const)
    if (a >= scale) return `${trim((v / scale).toPrecision(3))}${suffix}`;
  return trim(v.toPrecision(3));
}

/** 1e26, 5.4e-7: a tick in exponent form. */
function exponentTick(v: number): string {
  const [mantissa, exponent] = v.toExponential(1).split('e');
  return `${trim(mantissa)}e${Number(exponent)}`;
}

/**
 * One axis' tick labels in one style: compact (0.25, 120, 5.4k, 1.2G) while every tick fits it,
 * else every tick but 0 in exponent form (1e2, 1e9, 1e16, never "100, 1G, 1e16"). Null stays null
 * (a log axis' unlabelled splits).
 */
export function axisTicks(values: readonly (number | null)[]): (string | null)[] {
  const exponent = values.some((v) => v != null && v !== 0 && compactTick(v).includes('e'));
  return values.map((v) =>
    v == null ? null : exponent && v !== 0 && Number.isFinite(v) ? exponentTick(v) : compactTick(v),
  );
}

/** A loss as the log and the chart's readout write it: 5 significant digits, exponent form when huge or tiny. */
export function formatLoss(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e6 || a < 1e-4)) return v.toExponential(4);
  return v.toPrecision(5);
}
