/**
 * The part of the WebAssembly JS API our kernels use, typed here: core is compiled without DOM
 * or Node typings, and the global may be missing (or compiling refused by a page's CSP).
 */
export interface WasmInstance {
  readonly exports: Record<string, unknown>;
}

/** A WebAssembly.Memory (only its buffer is read here). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
}

interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => WasmInstance;
  Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
}

/** The runtime's WebAssembly, or null where there is none. */
export function webAssembly(): WasmApi | null {
  const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  return typeof api === 'object' && api !== null ? api : null;
}

/** An exported memory's current buffer. */
export function memoryBuffer(instance: WasmInstance): ArrayBuffer {
  return (instance.exports.memory as { buffer: ArrayBuffer }).buffer;
}
