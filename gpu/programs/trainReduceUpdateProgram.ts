/**
 * (b, part 2) One workgroup sums the per-workgroup partials of trainPartialsProgram, checks
 * the loss, records it in the GPU loss buffer and applies the optimizer in place.
 *
 * Divergence is decided here, on the GPU: a loss that is non-finite or ≥ 1e30 sets the
 * header's diverged step, and from then on every later step of the submission skips its
 * update, so the host never has to look at a loss before encoding the next step.
 */
import type { OptimizerKind } from '#core/types';
import type { StateLayout } from '../stateLayout';
import { stateLayoutWgsl } from '../stateLayout';
import { reduceUpdateWgsl } from '../wgslSnippets';
import { ReduceUpdateProgram } from './reduceUpdateProgram';

/** Only kh·kw + 2 threads have work; a small workgroup keeps the barriers cheap on SwiftShader. */
const THREADS = 64;

export class TrainReduceUpdateProgram extends ReduceUpdateProgram {
  constructor(layout: StateLayout, optimizer: OptimizerKind, useBias: boolean) {
    super('ks_train_reduce_update', THREADS, layout, optimizer, useBias);
  }

  getUserCode(): string {
    return `
  ${stateLayoutWgsl(this.layout)}
  ${reduceUpdateWgsl(this.optimizer, THREADS)}
  const USE_BIAS = ${this.useBias};
  var<workgroup> sums: array<f32, ${this.layout.kernelSize + 2}>;

  fn main() {
    let li = i32(localIndex);
    for (var p = li; p < KK + 2; p += ${THREADS}) {
      var sum = 0.0;
      for (var g = 0; g < uniforms.groups; g++) {
        sum += parts[g * (KK + 2) + p];
      }
      sums[p] = sum;
    }
    workgroupBarrier();
    if (li == 0) {
      ksRecordLoss(sums[KK + 1]);
    }
    if (workgroupUniformLoad(&stopFlag) == 1u) {
      return;
    }
    for (var p = li; p < PARAM_COUNT; p += ${THREADS}) {
      var g = sums[p];
      if (p == KK && !USE_BIAS) {
        g = 0.0;
      }
      result[OFF_GRADS + p] = g;
      if (p < KK || USE_BIAS) {
        ksUpdateParam(p, g, uniforms.stepSize, uniforms.sqrtCorrection2);
      }
      ksNoteIfNonFinite(p);
    }
    ksKeepLastFinite(li);
  }
`;
  }
}
