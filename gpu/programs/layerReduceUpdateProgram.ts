/**
 * (Layer training, pass 3 of 3) One workgroup sums the partial rows of
 * layerGradPartialsProgram (thread t sums columns t, t + THREADS, …, so reads coalesce),
 * records the loss at this step's slot, decides divergence on the GPU exactly as
 * trainReduceUpdateProgram does (a non-finite loss or one ≥ 1e30 stops this and every later
 * step of the submission), and applies SGD / momentum / Adam in place to the O·C·kh·kw
 * weights and O biases. Column sums go straight into the state's gradient region, so no
 * workgroup array bounds the layer's size.
 * Reference: core/reference.ts `trainLoopRef` (the optimizers and divergence).
 */
import type { OptimizerKind } from '#core/types';
import type { StateLayout } from '../stateLayout';
import { stateLayoutWgsl } from '../stateLayout';
import { reduceUpdateWgsl } from '../wgslSnippets';
import { ReduceUpdateProgram } from './reduceUpdateProgram';

const THREADS = 256;

export class LayerReduceUpdateProgram extends ReduceUpdateProgram {
  /** The layout's kernelSize is the number of weights; its parameters past that are the biases. */
  constructor(layout: StateLayout, optimizer: OptimizerKind, useBias: boolean) {
    super('ks_layer_reduce_update', THREADS, layout, optimizer, useBias);
  }

  getUserCode(): string {
    return `
  ${stateLayoutWgsl(this.layout)}
  ${reduceUpdateWgsl(this.optimizer, THREADS)}
  const USE_BIAS = ${this.useBias};
  const COLS = PARAM_COUNT + 1;
  var<workgroup> lossParts: array<f32, ${THREADS}>;

  fn main() {
    let li = i32(localIndex);
    var partial = 0.0;
    for (var g = li; g < uniforms.groups; g += ${THREADS}) {
      partial += parts[g * COLS + PARAM_COUNT];
    }
    lossParts[li] = partial;
    workgroupBarrier();
    if (li == 0) {
      var loss = 0.0;
      for (var t = 0; t < ${THREADS}; t++) {
        loss += lossParts[t];
      }
      ksRecordLoss(loss);
    }
    if (workgroupUniformLoad(&stopFlag) == 1u) {
      return;
    }
    for (var p = li; p < PARAM_COUNT; p += ${THREADS}) {
      let learned = p < KK || USE_BIAS;
      var g = 0.0;
      if (learned) {
        for (var r = 0; r < uniforms.groups; r++) {
          g += parts[r * COLS + p];
        }
        ksUpdateParam(p, g, uniforms.stepSize, uniforms.sqrtCorrection2);
      }
      result[OFF_GRADS + p] = g;
      ksNoteIfNonFinite(p);
    }
    ksKeepLastFinite(li);
  }
`;
  }
}
