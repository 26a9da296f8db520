/**
 * (Layer training, pass 1 of 3) The forward pass at the current parameters (read from the
 * training state), then per output element its ∂L/∂pre and its share of the loss:
 *
 *   result[p]     = 2·r·scale, or 0 where ReLU is off (z ≤ 0)      (r = act(z) − Y)
 *   result[N + p] = r²·scale                                         (N = O·Ho·Wo)
 *
 * One thread per output position for all O channels, the same layout and taps as
 * layerForwardProgram (`layerOutputsWgsl`).
 * Reference: core/layer-reference.ts `layerLossAndGradsRef` (its dPre and loss terms).
 */
import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import type { ConvSpec } from '#core/layer';
import {
  LAYER_SIZE_UNIFORMS,
  LAYER_WORKGROUP,
  flatDispatch,
  layerKey,
  layerPerPositionWgsl,
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
    this.dispatch = flatDispatch(outRows * outCols);
    this.shaderKey = `ks_layer_residual_${layerKey(spec)}_p${layout.paramCount}_wg${LAYER_WORKGROUP}`;
  }

  getUserCode(): string {
    const weight = (i: string) => `state[OFF_PARAMS + ${i}]`;
    const bias = (o: string) => `state[OFF_PARAMS + KK + ${o}]`;
    const dPre =
      this.spec.activation === 'relu' ? 'let d = select(2.0 * r, 0.0, z <= 0.0);' : 'let d = 2.0 * r;';
    return `
  ${stateLayoutWgsl(this.layout)}
  ${layerPerPositionWgsl(
    this.spec,
    weight,
    bias,
    `let at = o * ksPlane + ksPos;
    let r = ksLayerAct(z) - y[at];
    ${dPre}
    result[at] = d * uniforms.lossScale;
    result[O * ksPlane + at] = r * r * uniforms.lossScale;`,
  )}
`;
  }
}
