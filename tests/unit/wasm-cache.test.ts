/**
 * The cache of free WebAssembly instances (core/wasm/layer.ts) is bounded by the bytes of memory
 * it holds, not by a count (issue 19 item 15: five large passes of different shapes used to leave
 * up to four instances' whole memories resident).
 */
import { WASM_OPTIONS } from '../helpers/wasm-options';
import { describe, expect, it } from 'vitest';
import { slidWeights } from '#core/cpu/layer';
import { convSpec } from '#core/layer';
import { randomMatrix, randomWeights } from '#core/random';
import { tensorOfMatrix } from '#core/tensor';
import {
  FREE_INSTANCE_BYTES,
  KEEP_INSTANCE_BYTES,
  freeInstanceBytes,
  wasmForwardLayer,
  wasmKernelsAvailable,
} from '#core/wasm/layer';

/** One forward pass of a 3×3 kernel on a side² X through the WebAssembly program. */
function pass(side: number): void {
  const spec = convSpec({ kernel: [3, 3] });
  const x = tensorOfMatrix(randomMatrix(side, side, side, -1, 1));
  const w = slidWeights(randomWeights(1, 1, 3, 3, side).data, spec);
  expect(wasmForwardLayer(x, w, [0], spec, WASM_OPTIONS)).not.toBeNull();
}

describe.runIf(wasmKernelsAvailable())('free WebAssembly instances', () => {
  it('hold at most FREE_INSTANCE_BYTES after five large passes of different shapes', () => {
    // Each of these needs ~24–50 MiB (X in float64, Y in float32): five of them exceed the bound.
    for (const side of [1500, 1600, 1700, 1800, 2000]) pass(side);
    expect(freeInstanceBytes()).toBeGreaterThan(0);
    expect(freeInstanceBytes()).toBeLessThanOrEqual(FREE_INSTANCE_BYTES);
  });

  it('never keep an instance over KEEP_INSTANCE_BYTES', () => {
    const before = freeInstanceBytes();
    pass(2600); // ~80 MiB of memory
    expect(2600 * 2600 * 12).toBeGreaterThan(KEEP_INSTANCE_BYTES);
    expect(freeInstanceBytes()).toBeLessThanOrEqual(before);
  });

  it('keep a small instance for the next pass of its shape', () => {
    const before = freeInstanceBytes();
    pass(64);
    const after = freeInstanceBytes();
    expect(after).toBeGreaterThan(0);
    pass(64);
    expect(freeInstanceBytes()).toBe(after);
    expect(before).toBeLessThanOrEqual(FREE_INSTANCE_BYTES);
  });
});
