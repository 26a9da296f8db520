/**
 * (Layer training, pass 1 of 3) The forward pass at the current parameters (read from the
 * training state), then per output element its ∂L/∂pre and its share of the loss:
 *
 *   result[p]     = 2·r·scale, or 0 where ReLU is off (z ≤ 0)      (r = act(z) − Y)
 *   result[N + p] = r²·scale                                         (N = O·Ho·Wo)
 *
 * One thread per output element, the same layout and tap loop as layerForwardProgram.
 * Reference: core/layer-reference.ts `layerLossAndGradsRef` (its dPre and loss terms).
 */
import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import type { ConvSpec } from '../../core/layer';
import {
  LAYER_SIZE_UNIFORMS,
  LAYER_WORKGROUP,
  flatDispatch,
  layerConstsWgsl,
  layerKey,
  layerPreWgsl,
} from '../layerWgsl';
import type { StateLayout } from '../stateLayout';
import { stateLayoutWgsl } from '../stateLayout';

export class LayerResidualProgram implements WebGPUProgram {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout = { x: [0] };
  dispatch: [number, number, number];
  variableNames = ['x', 'y', 'state'];
  /** lossScale: 1 for the sum, 1/N for the mean. */
  uniforms = `${LAYER_SIZE_UNIFORMS} lossScale: f32,`;
  workgroupSize: [number, number, number] = [LAYER_WORKGROUP, 1, 1];

  constructor(
    private readonly spec: ConvSpec,
    private readonly layout: StateLayout,
    outRows: number,
    outCols: number,
  ) {
    const n = spec.outChannels * outRows * outCols;
    this.outputShape = [2 * n];
    this.dispatch = flatDispatch(n);
    this.shaderKey = `ks_layer_residual_${layerKey(spec)}_p${layout.paramCount}_wg${LAYER_WORKGROUP}`;
  }

  getUserCode(): string {
    return `
  ${layerConstsWgsl(this.spec)}
  ${stateLayoutWgsl(this.layout)}
  ${layerPreWgsl(
    this.spec,
    (i) => `state[OFF_PARAMS + ${i}]`,
    (o) => `state[OFF_PARAMS + KK + ${o}]`,
  )}
  fn main(index: i32) {
    let plane = uniforms.outRows * uniforms.outCols;
    let n = O * plane;
    if (index >= n) {
      return;
    }
    let o = index / plane;
    let ij = index - o * plane;
    let i = ij / uniforms.outCols;
    let j = ij - i * uniforms.outCols;
    let z = ksLayerPre(o, i, j);
    let r = ksLayerAct(z) - y[index];
    ${this.spec.activation === 'relu' ? 'let d = select(2.0 * r, 0.0, z <= 0.0);' : 'let d = 2.0 * r;'}
    result[index] = d * uniforms.lossScale;
    result[n + index] = r * r * uniforms.lossScale;
  }
`;
  }
}
