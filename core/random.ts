/**
 * Seeded randomness, so that a saved session, a test or a benchmark replays exactly.
 * Math.random cannot be seeded, hence our own generator.
 */
import type { Matrix } from './matrix';
import type { Weights } from './tensor';

/** mulberry32: a tiny 32-bit generator with good statistical quality for UI and test data. Returns [0, 1). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A rows×cols matrix of values uniform in [lo, hi). */
export function randomMatrix(rows: number, cols: number, seed: number, lo = 0, hi = 1): Matrix {
  const next = mulberry32(seed);
  const data = new Float32Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = lo + (hi - lo) * next();
  return { rows, cols, data };
}

/**
 * A starting kernel like PyTorch's Conv2d default (kaiming-uniform with a=√5), which
 * reduces to uniform(±1/√fan_in) with fan_in = kh·kw for one input channel.
 */
export function randomKernel(kh: number, kw: number, seed: number): Matrix {
  const bound = 1 / Math.sqrt(kh * kw);
  return randomMatrix(kh, kw, seed, -bound, bound);
}

/**
 * A starting O×C×kh×kw layer weight like PyTorch's Conv2d default: uniform(±1/√(C·kh·kw)).
 * With O = C = 1 it is `randomKernel(kh, kw, seed)` value for value.
 */
export function randomWeights(o: number, c: number, kh: number, kw: number, seed: number): Weights {
  const bound = 1 / Math.sqrt(c * kh * kw);
  const m = randomMatrix(o * c * kh, kw, seed, -bound, bound);
  return { outChannels: o, inChannels: c, rows: kh, cols: kw, data: m.data };
}
