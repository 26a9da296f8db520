/** Colour scales for the training views (plain functions, no DOM). */

type Rgb = readonly [number, number, number];

/** Viridis, sampled at 5 stops: dark (low loss) to yellow (high loss). */
const VIRIDIS: readonly Rgb[] = [
  [68, 1, 84],
  [59, 82, 139],
  [33, 145, 140],
  [94, 201, 98],
  [253, 231, 37],
];

/** t in [0, 1] → viridis RGB. */
export function viridis(t: number): Rgb {
  const u = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 1)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(u));
  const f = u - i;
  const a = VIRIDIS[i];
  const b = VIRIDIS[i + 1];
  return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f];
}

/** The largest finite |value| of the matrices (at least 1e-12): a colour scale bound they share. */
export function largestAbs(...matrices: readonly ({ readonly data: ArrayLike<number> } | null)[]): number {
  let limit = 1e-12;
  for (const m of matrices)
    if (m)
      for (let i = 0; i < m.data.length; i++) {
        const a = Math.abs(m.data[i]);
        if (Number.isFinite(a) && a > limit) limit = a;
      }
  return limit;
}

/** Numbers as the grids show them: 3 decimals, or exponent form when huge or tiny. */
export function formatValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e5 || a < 1e-3)) return v.toExponential(2);
  return v.toFixed(3);
}

/** Line colours of the loss chart's runs, by the run's place in the list (the exports use the same). */
export const RUN_PALETTE = [
  '#2563eb',
  '#dc2626',
  '#16a34a',
  '#9333ea',
  '#ea580c',
  '#0891b2',
  '#ca8a04',
  '#db2777',
] as const;

export function runColor(index: number): string {
  return RUN_PALETTE[((index % RUN_PALETTE.length) + RUN_PALETTE.length) % RUN_PALETTE.length];
}
