/**
 * Layout of a trainer's GPU state: ONE float32 buffer holding everything that changes
 * during training. tfjs gives a program exactly one writable binding (its output), so
 * the update programs write this whole buffer, and one readback mirrors it all to the CPU.
 *
 *   [0]  diverged step (0 = not diverged)   [1] the loss that diverged   [2..3] spare
 *   params     : W (kh·kw, stored un-flipped) then b           — P = kh·kw + 1 values
 *   grads      : ∂L/∂W then ∂L/∂b of the last applied step      — P
 *   moment1    : momentum velocity, or Adam's m                  — P
 *   moment2    : Adam's v                                        — P
 *   lastFinite : the last params that were all finite            — P
 *   losses     : loss of each step of the current submission     — lossCapacity
 */
export const HEADER_DIVERGED_STEP = 0;
export const HEADER_DIVERGED_LOSS = 1;
const HEADER_SIZE = 4;

/** The most steps encoded into one submission (and so the size of the GPU loss buffer). */
export const LOSS_CAPACITY = 1024;

export interface StateLayout {
  /** kh·kw: number of kernel weights. */
  readonly kernelSize: number;
  /** kernelSize + 1: weights then the bias. */
  readonly paramCount: number;
  readonly params: number;
  readonly grads: number;
  readonly moment1: number;
  readonly moment2: number;
  readonly lastFinite: number;
  readonly losses: number;
  readonly lossCapacity: number;
  readonly length: number;
}

export function stateLayout(kh: number, kw: number, lossCapacity = LOSS_CAPACITY): StateLayout {
  const kernelSize = kh * kw;
  const paramCount = kernelSize + 1;
  const params = HEADER_SIZE;
  const grads = params + paramCount;
  const moment1 = grads + paramCount;
  const moment2 = moment1 + paramCount;
  const lastFinite = moment2 + paramCount;
  const losses = lastFinite + paramCount;
  return {
    kernelSize,
    paramCount,
    params,
    grads,
    moment1,
    moment2,
    lastFinite,
    losses,
    lossCapacity,
    length: losses + lossCapacity,
  };
}

/** WGSL constants naming the layout offsets, so shaders and TypeScript cannot disagree. */
export function stateLayoutWgsl(layout: StateLayout): string {
  return `
  const KK = ${layout.kernelSize};
  const PARAM_COUNT = ${layout.paramCount};
  const OFF_PARAMS = ${layout.params};
  const OFF_GRADS = ${layout.grads};
  const OFF_M1 = ${layout.moment1};
  const OFF_M2 = ${layout.moment2};
  const OFF_LAST_FINITE = ${layout.lastFinite};
  const OFF_LOSSES = ${layout.losses};
  const HDR_DIVERGED_STEP = ${HEADER_DIVERGED_STEP};
  const HDR_DIVERGED_LOSS = ${HEADER_DIVERGED_LOSS};
`;
}
