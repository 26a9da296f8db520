/** Float32-vs-float64 comparison (GPU programs, the CPU's WebAssembly programs): atol scales with the reference's magnitude. */
import { expect } from 'vitest';

export function expectClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  rtol: number,
  what: string,
): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  let scale = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]));
  const atol = rtol * Math.max(scale, 1e-6);
  for (let i = 0; i < expected.length; i++) {
    const ok = Math.abs(actual[i] - expected[i]) <= atol + rtol * Math.abs(expected[i]);
    if (!ok)
      expect.fail(
        `${what}[${i}]: ${actual[i]} ≠ ${expected[i]} (rtol ${rtol}, atol ${atol.toExponential(2)})`,
      );
  }
}
