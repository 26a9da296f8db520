import type { WasmForwardOptions } from '#core/wasm/layer';

/** Options for calling `wasmForwardLayer` directly in tests: a new Y, and a plain throw on a non-finite X. */
export const WASM_OPTIONS: WasmForwardOptions = {
  nonFinite: () => {
    throw new Error('X is not finite');
  },
};
