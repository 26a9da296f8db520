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
 *   stepScalars: (stepSize, √(1 − β2^t)) of each step of the submission, written by the host
 *                in float64 (core/optimizers.ts) for the one-dispatch loop — 2·lossCapacity
 */
import { checkResumeState } from '#core/train/resume';
import type { DivergenceInfo, TrainerResumeState } from '#core/types';

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
  readonly stepScalars: number;
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
    stepScalars: losses + lossCapacity,
    length: losses + 3 * lossCapacity,
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
  const OFF_STEP_SCALARS = ${layout.stepScalars};
  const HDR_DIVERGED_STEP = ${HEADER_DIVERGED_STEP};
  const HDR_DIVERGED_LOSS = ${HEADER_DIVERGED_LOSS};
`;
}

/**
 * Writes a resumed run into a fresh state buffer: parameters (also as the last finite ones),
 * last gradients, both moments and the divergence header. Throws a one-line error when the
 * state holds fewer values than the layout's parameters.
 */
export function writeResumeState(state: Float32Array, layout: StateLayout, resume: TrainerResumeState): void {
  const p = layout.paramCount;
  checkResumeState(resume, p);
  state.set(resume.params.subarray(0, p), layout.params);
  state.set(resume.params.subarray(0, p), layout.lastFinite);
  state.set(resume.grads.subarray(0, p), layout.grads);
  state.set(resume.moment1.subarray(0, p), layout.moment1);
  state.set(resume.moment2.subarray(0, p), layout.moment2);
  if (resume.diverged) {
    state[HEADER_DIVERGED_STEP] = resume.diverged.step;
    state[HEADER_DIVERGED_LOSS] = resume.diverged.loss;
  }
}

/** The run's state read from a mirror of the buffer (after divergence, the last finite parameters). */
export function readResumeState(
  mirror: Float32Array,
  layout: StateLayout,
  step: number,
  diverged: DivergenceInfo | undefined,
): TrainerResumeState {
  const slice = (offset: number) => Float64Array.from(mirror.subarray(offset, offset + layout.paramCount));
  return {
    step,
    params: slice(diverged ? layout.lastFinite : layout.params),
    grads: slice(layout.grads),
    moment1: slice(layout.moment1),
    moment2: slice(layout.moment2),
    ...(diverged ? { diverged } : {}),
  };
}
