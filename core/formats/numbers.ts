/**
 * Number parsing and formatting for text: CLI options, CSV cells, exports. Kernel values are float32; printing the float64
 * expansion (0.30000001192092896) would be noise, so we print the shortest decimal
 * that reads back to the same float32.
 */

/** Shortest decimal string that `Math.fround` maps back to the same float32 value. */
export function formatFloat32(value: number): string {
  const target = Math.fround(value);
  if (!Number.isFinite(target)) return String(target);
  if (target === 0) return Object.is(target, -0) ? '-0' : '0';
  for (let digits = 1; digits <= 9; digits++) {
    const text = String(Number(target.toPrecision(digits)));
    if (Math.fround(Number(text)) === target) return text;
  }
  return String(target);
}

/** Like `formatFloat32`, but always a float literal in Python ("1.0", not "1"), so tensors get a float dtype. */
export function formatPythonFloat(value: number): string {
  const text = formatFloat32(value);
  return /[.eE]|inf|nan/i.test(text) ? text : `${text}.0`;
}

/**
 * The one grammar for numbers typed or read as text: decimal with an optional exponent
 * (`3`, `-0.5`, `.25`, `1e-3`, `+2E+4`). Nothing else: no hex/octal/binary (`0x50`), no
 * separators (`1_0`), no surrounding or lone whitespace, no `Infinity`/`NaN`.
 */
export const DECIMAL_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** The value of `text` if it is a decimal number (see DECIMAL_NUMBER), else undefined. May be ±Infinity (`1e999`). */
export function parseDecimal(text: string): number | undefined {
  return DECIMAL_NUMBER.test(text) ? Number(text) : undefined;
}
