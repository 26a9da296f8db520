/**
 * Forward pass of the full layer: Y[o, i, j] = act(b[o] + Σ_c Σ_a Σ_b X[c, ·, ·] · K'[o, c, a, b])
 * with stride, zero padding and dilation. One thread per output position (i, j) computes all
 * O channels there (`layerOutputsWgsl`: the window in registers for small layers, the
 * C×kh×kw loop per channel above that); adjacent threads own adjacent output columns, so
 * their X loads and Y stores coalesce on real GPUs. The single-channel "valid" layer does not
 * come here: it keeps the strip/tile programs (gpu/backend.ts `forwardProgram`).
 * Reference: core/layer-reference.ts `layerForwardRef`.
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

export class LayerForwardProgram implements WebGPUProgram {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout = { x: [0, 1, 2] };
  dispatch: [number, number, number];
  variableNames = ['x', 'w', 'b'];
  uniforms = LAYER_SIZE_UNIFORMS;
  workgroupSize: [number, number, number] = [LAYER_WORKGROUP, 1, 1];

  /** The output is O×outRows×outCols. */
  constructor(
    private readonly spec: ConvSpec,
    outRows: number,
    outCols: number,
  ) {
    this.outputShape = [spec.outChannels, outRows, outCols];
    this.dispatch = flatDispatch(outRows * outCols);
    this.shaderKey = `ks_layer_forward_${layerKey(spec)}_wg${LAYER_WORKGROUP}`;
  }

  getUserCode(): string {
    const weight = (i: string) => `w[${i}]`;
    const bias = (o: string) => `b[${o}]`;
    return layerPerPositionWgsl(this.spec, weight, bias, 'result[o * ksPlane + ksPos] = ksLayerAct(z);');
  }
}
