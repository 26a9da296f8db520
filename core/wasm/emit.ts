/**
 * A minimal WebAssembly binary writer: just what our generated CPU kernels need (one module
 * with its own memory and exported functions, i32/f64 scalars, 128-bit SIMD). Programs are
 * written as straight-line calls on a `Code` builder, so a kernel's shape (its taps, row
 * strides and buffer offsets) is baked into the instructions as constants, the way a WGSL
 * program is specialized by its shaderKey. Opcodes are from the WebAssembly 2.0 spec
 * (core §5.4 and the fixed-width SIMD proposal); no text format or external tool is involved.
 */
import { webAssembly } from './runtime';

export type ValType = 'i32' | 'f64' | 'v128';

const VALTYPE: Record<ValType, number> = { i32: 0x7f, f64: 0x7c, v128: 0x7b };

function uleb(n: number, out: number[]): void {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new RangeError(`not a u32: ${n}`);
  do {
    let byte = n & 0x7f;
    n = Math.floor(n / 128);
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
}

function sleb(n: number, out: number[]): void {
  if (!Number.isInteger(n) || n < -0x80000000 || n > 0x7fffffff) throw new RangeError(`not an i32: ${n}`);
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    const done = (n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return;
  }
}

/** An export name (ASCII: every name here is ours). */
function name(s: string, out: number[]): void {
  uleb(s.length, out);
  for (let i = 0; i < s.length; i++) out.push(s.charCodeAt(i) & 0x7f);
}

/** A local variable of the function being written. */
export interface Local {
  readonly index: number;
  readonly type: ValType;
}

/** SIMD opcodes (after the 0xfd prefix) this writer emits. */
const SIMD = {
  load: 0x00,
  load32Splat: 0x09,
  store: 0x0b,
  f64x2Splat: 0x14,
  f64x2ExtractLane: 0x21,
  f32x4ExtractLane: 0x1f,
  f32x4Gt: 0x44,
  f32x4Le: 0x45,
  and: 0x4e,
  andnot: 0x4f,
  or: 0x50,
  anyTrue: 0x53,
  f32x4Add: 0xe4,
  f32x4Sub: 0xe5,
  f32x4Mul: 0xe6,
  f32x4RelaxedMadd: 0x105,
} as const;

/** One function body: declare locals, then append instructions (each leaves the stack as wasm says). */
export class Code {
  readonly bytes: number[] = [];
  private readonly locals: ValType[] = [];
  private readonly paramCount: number;

  constructor(params: readonly ValType[]) {
    this.paramCount = params.length;
    this.locals.push(...params);
  }

  param(index: number): Local {
    if (index >= this.paramCount) throw new RangeError(`no parameter ${index}`);
    return { index, type: this.locals[index] };
  }

  local(type: ValType): Local {
    this.locals.push(type);
    return { index: this.locals.length - 1, type };
  }

  /** The locals declaration (params excluded), as the code section wants it. */
  localDecls(): number[] {
    const out: number[] = [];
    const runs: [number, ValType][] = [];
    for (const t of this.locals.slice(this.paramCount)) {
      const last = runs[runs.length - 1];
      if (last && last[1] === t) last[0]++;
      else runs.push([1, t]);
    }
    uleb(runs.length, out);
    for (const [count, t] of runs) {
      uleb(count, out);
      out.push(VALTYPE[t]);
    }
    return out;
  }

  private op(...bytes: number[]): this {
    this.bytes.push(...bytes);
    return this;
  }

  private simd(opcode: number): this {
    this.bytes.push(0xfd);
    uleb(opcode, this.bytes);
    return this;
  }

  private memarg(alignLog2: number, offset: number): this {
    uleb(alignLog2, this.bytes);
    uleb(offset, this.bytes);
    return this;
  }

  private localOp(opcode: number, l: Local): this {
    this.op(opcode);
    uleb(l.index, this.bytes);
    return this;
  }

  get(l: Local): this {
    return this.localOp(0x20, l);
  }

  set(l: Local): this {
    return this.localOp(0x21, l);
  }

  tee(l: Local): this {
    return this.localOp(0x22, l);
  }

  i32(n: number): this {
    this.op(0x41);
    sleb(n, this.bytes);
    return this;
  }

  i32Add(): this {
    return this.op(0x6a);
  }

  i32Mul(): this {
    return this.op(0x6c);
  }

  i32Sub(): this {
    return this.op(0x6b);
  }

  i32DivU(): this {
    return this.op(0x6e);
  }

  i32RemU(): this {
    return this.op(0x70);
  }

  /** memory.copy of (destination, source, bytes): overlapping ranges are moved as memmove would. */
  memoryCopy(): this {
    this.op(0xfc);
    uleb(10, this.bytes);
    return this.op(0x00, 0x00);
  }

  /** memory.fill of (destination, byte value, bytes). */
  memoryFill(): this {
    this.op(0xfc);
    uleb(11, this.bytes);
    return this.op(0x00);
  }

  i32LtU(): this {
    return this.op(0x49);
  }

  i32GeS(): this {
    return this.op(0x4e);
  }

  i32And(): this {
    return this.op(0x71);
  }

  i32ShrU(): this {
    return this.op(0x76);
  }

  f64(n: number): this {
    this.op(0x44);
    const b = new Uint8Array(new Float64Array([n]).buffer);
    this.bytes.push(...b);
    return this;
  }

  f64Add(): this {
    return this.op(0xa0);
  }

  /** f64.load at address (stack) + offset. */
  f64Load(offset = 0): this {
    return this.op(0x2b).memarg(3, offset);
  }

  /** f64.store of (address, value) at address + offset. */
  f64Store(offset = 0): this {
    return this.op(0x39).memarg(3, offset);
  }

  /** A loop whose body `body` runs, then repeats while it leaves a nonzero i32 (`brIf` at the end). */
  loop(body: () => void): this {
    this.op(0x03, 0x40);
    body();
    // br_if 0 targets the loop's start.
    this.op(0x0d, 0x00);
    return this.op(0x0b);
  }

  /** Increments `counter` by `step`, leaving `counter < limit` (unsigned) for a loop's branch. */
  stepLt(counter: Local, step: number, limit: number): this {
    return this.get(counter).i32(step).i32Add().tee(counter).i32(limit).i32LtU();
  }

  /** Adds `by` to `l`. */
  bump(l: Local, by: number): this {
    return this.get(l).i32(by).i32Add().set(l);
  }

  v128Load(offset = 0): this {
    return this.simd(SIMD.load).memarg(4, offset);
  }

  v128Store(offset = 0): this {
    return this.simd(SIMD.store).memarg(4, offset);
  }

  /** Loads one f32 at address + offset into all four lanes. */
  f32Splat(offset = 0): this {
    return this.simd(SIMD.load32Splat).memarg(2, offset);
  }

  f32x4Gt(): this {
    return this.simd(SIMD.f32x4Gt);
  }

  f32x4Le(): this {
    return this.simd(SIMD.f32x4Le);
  }

  f32x4Lane(lane: 0 | 1 | 2 | 3): this {
    this.simd(SIMD.f32x4ExtractLane);
    this.bytes.push(lane);
    return this;
  }

  f64PromoteF32(): this {
    return this.op(0xbb);
  }

  /** Leaves the sum of v128 local `l`'s four f32 lanes as an f64 (each lane widened first). */
  laneSumF32(l: Local): this {
    this.get(l).f32x4Lane(0).f64PromoteF32();
    for (const lane of [1, 2, 3] as const) this.get(l).f32x4Lane(lane).f64PromoteF32().f64Add();
    return this;
  }

  f32x4Add(): this {
    return this.simd(SIMD.f32x4Add);
  }

  f32x4Mul(): this {
    return this.simd(SIMD.f32x4Mul);
  }

  /**
   * a·b + c for (a, b, c) on the stack, fused where the hardware has FMA (relaxed SIMD: the
   * engine may also round twice). Only where `wasmFmaSupported()`.
   */
  f32x4Madd(): this {
    return this.simd(SIMD.f32x4RelaxedMadd);
  }

  f32x4Sub(): this {
    return this.simd(SIMD.f32x4Sub);
  }

  or(): this {
    return this.simd(SIMD.or);
  }

  /** 1 (i32) when any bit of the v128 on the stack is set, else 0. */
  anyTrue(): this {
    return this.simd(SIMD.anyTrue);
  }

  f64x2Splat(): this {
    return this.simd(SIMD.f64x2Splat);
  }

  f64x2Lane(lane: 0 | 1): this {
    this.simd(SIMD.f64x2ExtractLane);
    this.bytes.push(lane);
    return this;
  }

  and(): this {
    return this.simd(SIMD.and);
  }

  /** a & ~b for (a, b) on the stack. */
  andnot(): this {
    return this.simd(SIMD.andnot);
  }
}

export interface FunctionDef {
  readonly name: string;
  readonly params: readonly ValType[];
  readonly results: readonly ValType[];
  readonly code: Code;
}

/**
 * A module with one memory of `pages` 64 KiB pages (exported as "memory") and the given exported
 * functions. With `shared`, the memory is not the module's own but imported as `env.memory`, a
 * shared memory of exactly `pages` pages, so instances in several threads can work on it.
 */
export function moduleBytes(pages: number, functions: readonly FunctionDef[], shared = false): Uint8Array {
  const out: number[] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  const section = (id: number, body: number[]): void => {
    out.push(id);
    uleb(body.length, out);
    out.push(...body);
  };
  const types: number[] = [];
  uleb(functions.length, types);
  for (const f of functions) {
    types.push(0x60);
    uleb(f.params.length, types);
    for (const p of f.params) types.push(VALTYPE[p]);
    uleb(f.results.length, types);
    for (const r of f.results) types.push(VALTYPE[r]);
  }
  section(1, types);
  if (shared) {
    // env.memory: a shared memory (limits flag 3) of exactly `pages` pages.
    const imports: number[] = [1];
    name('env', imports);
    name('memory', imports);
    imports.push(0x02, 0x03);
    uleb(pages, imports);
    uleb(pages, imports);
    section(2, imports);
  }
  const funcs: number[] = [];
  uleb(functions.length, funcs);
  functions.forEach((_, i) => uleb(i, funcs));
  section(3, funcs);
  if (!shared) {
    const memory: number[] = [1, 0x00];
    uleb(pages, memory);
    section(5, memory);
  }
  const exports: number[] = [];
  uleb(functions.length + 1, exports);
  functions.forEach((f, i) => {
    name(f.name, exports);
    exports.push(0x00);
    uleb(i, exports);
  });
  name('memory', exports);
  exports.push(0x02, 0x00);
  section(7, exports);
  const code: number[] = [];
  uleb(functions.length, code);
  for (const f of functions) {
    const body = [...f.code.localDecls(), ...f.code.bytes, 0x0b];
    uleb(body.length, code);
    code.push(...body);
  }
  section(10, code);
  return new Uint8Array(out);
}

/** Whether this runtime compiles a probe `() -> f64` written by `write` (and any WebAssembly at all). */
function compiles(write: (code: Code) => void): boolean {
  try {
    const api = webAssembly();
    if (!api) return false;
    const code = new Code([]);
    write(code);
    new api.Module(moduleBytes(1, [{ name: 'probe', params: [], results: ['f64'], code }]));
    return true;
  } catch {
    return false;
  }
}

/** Whether this runtime compiles 128-bit SIMD (and the page's CSP lets it compile WebAssembly at all). */
export function wasmSimdSupported(): boolean {
  return compiles((code) => code.f64(0).f64x2Splat().f64x2Lane(0));
}

/** Whether this runtime compiles relaxed SIMD's f32x4.relaxed_madd (Chromium 114+, Node only behind a flag). */
export function wasmFmaSupported(): boolean {
  return compiles((code) =>
    code.f64(0).f64x2Splat().f64(0).f64x2Splat().f64(0).f64x2Splat().f32x4Madd().f64x2Lane(0),
  );
}
