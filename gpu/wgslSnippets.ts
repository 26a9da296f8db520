/** WGSL fragments shared by several programs (never a program on their own). */
import { UPDATE_COEFFICIENTS } from '#core/optimizers';
import type { Activation, Mode, OptimizerKind } from '#core/types';

/**
 * Finiteness by bit pattern: WGSL lets compilers assume floats are never NaN/Inf, so
 * `v != v` or `v < limit` alone may be folded away. The limit is DIVERGENCE_LIMIT (1e30).
 */
export const LOSS_CHECK_WGSL = `
  fn ksIsFinite(v: f32) -> bool {
    return (bitcast<u32>(v) & 0x7fffffffu) < 0x7f800000u;
  }
  fn ksIsUsableLoss(v: f32) -> bool {
    return ksIsFinite(v) && v < 1e30;
  }
`;

/** Index into the stored kernel of slid element i: convolve flips both axes, i.e. reverses the flat order. */
export function effectiveIndexWgsl(mode: Mode, i: string): string {
  return mode === 'convolve' ? `(KK - 1 - (${i}))` : `(${i})`;
}

/** The activation applied to a pre-activation `z`. ReLU outputs 0 where z ≤ 0. */
export function activationWgsl(activation: Activation, z: string): string {
  return activation === 'relu' ? `select(${z}, 0.0, ${z} <= 0.0)` : z;
}

/**
 * `ksUpdateParam(p, g, stepSize, sqrtCorrection2)`: the optimizer's update of parameter p in
 * place in the state buffer (`result`), as core/optimizers.ts defines it. Every constant comes
 * from the host, computed there in float64: the coefficients as uniforms (OPTIMIZER_UNIFORMS),
 * stepSize and √(1 − β2^t) per step (`StepScalars`).
 */
export function optimizerWgsl(kind: OptimizerKind): string {
  return `
  fn ksUpdateParam(p: i32, g: f32, stepSize: f32, sqrtCorrection2: f32) {
    ${updateBodyWgsl(kind)}
  }
`;
}

function updateBodyWgsl(kind: OptimizerKind): string {
  switch (kind) {
    case 'sgd':
      return `result[OFF_PARAMS + p] = result[OFF_PARAMS + p] - stepSize * g;`;
    case 'momentum':
      return `let velocity = uniforms.decay1 * result[OFF_M1 + p] + g;
           result[OFF_M1 + p] = velocity;
           result[OFF_PARAMS + p] = result[OFF_PARAMS + p] - stepSize * velocity;`;
    case 'adam':
      return `let m = uniforms.decay1 * result[OFF_M1 + p] + uniforms.gain1 * g;
           let v = uniforms.decay2 * result[OFF_M2 + p] + uniforms.gain2 * g * g;
           result[OFF_M1 + p] = m;
           result[OFF_M2 + p] = v;
           result[OFF_PARAMS + p] = result[OFF_PARAMS + p] - stepSize * m / (sqrt(v) / sqrtCorrection2 + uniforms.eps);`;
    default:
      throw new Error(`No WGSL update for optimizer ${String(kind satisfies never)}`);
  }
}

/** The optimizer coefficients every optimizer-running program declares, in UPDATE_COEFFICIENTS order (unused ones cost nothing). */
export const OPTIMIZER_UNIFORMS = UPDATE_COEFFICIENTS.map((name) => `${name}: f32,`).join(' ');

/** A tree sum of `red` (array<vec2<f32>, 256>) into red[0]; every invocation must reach it. */
export const TREE_REDUCE_WGSL = `
    for (var stride = 128; stride > 0; stride = stride >> 1u) {
      if (li < stride) {
        red[li] = red[li] + red[li + stride];
      }
      workgroupBarrier();
    }
`;

/**
 * The uniforms of a reduce/update pass (stepLoop.ts `reduceUpdateUniforms` fills them): groups,
 * the partial rows to sum; step, the 1-based global step; slot, its index in the loss buffer.
 */
export const REDUCE_UPDATE_UNIFORMS = `groups: i32, step: i32, slot: i32, stepSize: f32, sqrtCorrection2: f32, ${OPTIMIZER_UNIFORMS}`;

/**
 * The end of a training step in one workgroup of `threads`, shared by both reduce/update
 * programs (the state buffer is `result`; its layout comes from `stateLayoutWgsl`):
 * - `ksRecordLoss(loss)`, thread 0 only: writes the loss to its slot and decides divergence
 *   on the GPU (a non-finite loss or one ≥ 1e30 stops this and every later step of the
 *   submission); then every thread skips the update when
 *   `workgroupUniformLoad(&stopFlag) == 1u`.
 * - `ksUpdateParam(p, g, …)` (optimizerWgsl) per parameter, then `ksNoteIfNonFinite(p)`.
 * - `ksKeepLastFinite(li)`, every thread: copies the parameters to lastFinite if all are finite.
 */
export function reduceUpdateWgsl(kind: OptimizerKind, threads: number): string {
  return `
  ${LOSS_CHECK_WGSL}
  ${optimizerWgsl(kind)}
  var<workgroup> stopFlag: u32;
  var<workgroup> allFinite: atomic<u32>;

  fn ksRecordLoss(loss: f32) {
    result[OFF_LOSSES + uniforms.slot] = loss;
    var stop = 0u;
    if (result[HDR_DIVERGED_STEP] > 0.0) {
      stop = 1u;
    } else if (!ksIsUsableLoss(loss)) {
      result[HDR_DIVERGED_STEP] = f32(uniforms.step);
      result[HDR_DIVERGED_LOSS] = loss;
      stop = 1u;
    }
    stopFlag = stop;
    atomicStore(&allFinite, 1u);
  }

  fn ksNoteIfNonFinite(p: i32) {
    if (!ksIsFinite(result[OFF_PARAMS + p])) {
      atomicStore(&allFinite, 0u);
    }
  }

  fn ksKeepLastFinite(li: i32) {
    workgroupBarrier();
    if (atomicLoad(&allFinite) == 1u) {
      for (var p = li; p < PARAM_COUNT; p += ${threads}) {
        result[OFF_LAST_FINITE + p] = result[OFF_PARAMS + p];
      }
    }
  }
`;
}
