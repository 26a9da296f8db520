/**
 * (c) The whole multi-step training loop for a small image in ONE dispatch of ONE
 * workgroup: the image, ∂L/∂pre and the kernel live in workgroup memory for all steps;
 * phases (forward → reductions → update) are separated by workgroupBarrier. For the
 * d2l toy (6×8 image, 1×2 kernel) a step is a few hundred FLOPs, so launch and
 * submission overhead is everything; this path pays it once per `steps`.
 */
import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import type { Activation, Mode, OptimizerKind } from '../../../../../core/types';
import type { StateLayout } from '../stateLayout';
import { stateLayoutWgsl } from '../stateLayout';
import {
  LOSS_CHECK_WGSL,
  OPTIMIZER_UNIFORMS,
  TREE_REDUCE_WGSL,
  activationWgsl,
  effectiveIndexWgsl,
  optimizerWgsl,
} from '../wgslSnippets';

const THREADS = 256;
/** Image cells and output cells that fit in workgroup memory next to everything else. */
export const SINGLE_WORKGROUP_MAX_CELLS = 1024;

export function fitsSingleWorkgroup(imgRows: number, imgCols: number, kh: number, kw: number): boolean {
  return imgRows * imgCols <= SINGLE_WORKGROUP_MAX_CELLS && kh * kw <= THREADS;
}

export class TrainSingleWorkgroupProgram implements WebGPUProgram {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout = { x: [0], y: [1] };
  dispatch: [number, number, number] = [1, 1, 1];
  variableNames = ['img', 'tgt'];
  /** steps to run; firstStep: the 1-based global number of the first one (Adam's t). */
  uniforms = `steps: i32, firstStep: i32, lossScale: f32, lr: f32, ${OPTIMIZER_UNIFORMS}`;
  workgroupSize: [number, number, number] = [THREADS, 1, 1];

  constructor(
    private readonly kh: number,
    private readonly kw: number,
    private readonly mode: Mode,
    private readonly activation: Activation,
    private readonly optimizer: OptimizerKind,
    private readonly useBias: boolean,
    private readonly layout: StateLayout,
  ) {
    this.outputShape = [layout.length];
    this.shaderKey = `ks_train_single_wg_${kh}x${kw}_${mode}_${activation}_${optimizer}_bias${useBias}_wg${THREADS}_max${SINGLE_WORKGROUP_MAX_CELLS}`;
  }

  getUserCode(): string {
    const { kh, kw } = this;
    const kk = kh * kw;
    const split = Math.max(1, Math.floor(THREADS / kk));
    const relu = this.activation === 'relu';
    const adam = this.optimizer === 'adam';
    return `
  ${stateLayoutWgsl(this.layout)}
  ${LOSS_CHECK_WGSL}
  ${optimizerWgsl(this.optimizer)}
  const KH = ${kh};
  const KW = ${kw};
  const SPLIT = ${split};
  const USE_BIAS = ${this.useBias};
  var<workgroup> xs: array<f32, ${SINGLE_WORKGROUP_MAX_CELLS}>;
  var<workgroup> gs: array<f32, ${SINGLE_WORKGROUP_MAX_CELLS}>;
  /** Effective (slid) weights, then the bias. */
  var<workgroup> ws: array<f32, ${kk + 1}>;
  var<workgroup> gradEff: array<f32, ${kk}>;
  var<workgroup> gradParts: array<f32, ${kk * split}>;
  var<workgroup> red: array<vec2<f32>, ${THREADS}>;
  var<workgroup> stopFlag: u32;
  var<workgroup> allFinite: atomic<u32>;

  fn main() {
    let li = i32(localIndex);
    let imgCols = uniforms.imgShape.y;
    let imgCells = uniforms.imgShape.x * imgCols;
    let outCols = uniforms.tgtShape.y;
    let outCells = uniforms.tgtShape.x * outCols;
    for (var i = li; i < imgCells; i += ${THREADS}) {
      xs[i] = img[i];
    }
    for (var p = li; p < KK; p += ${THREADS}) {
      ws[p] = result[OFF_PARAMS + ${effectiveIndexWgsl(this.mode, 'p')}];
    }
    if (li == 0) {
      ws[KK] = result[OFF_PARAMS + KK];
      stopFlag = select(0u, 1u, result[HDR_DIVERGED_STEP] > 0.0);
    }
    workgroupBarrier();

    for (var s = 0; s < uniforms.steps; s++) {
      if (workgroupUniformLoad(&stopFlag) == 1u) {
        break;
      }
      // Forward, residual and ∂L/∂pre for this thread's output cells.
      let bias = ws[KK];
      var squared = 0.0;
      var gSum = 0.0;
      for (var c = li; c < outCells; c += ${THREADS}) {
        let i = c / outCols;
        let j = c % outCols;
        var acc = 0.0;
        for (var a = 0; a < KH; a++) {
          for (var b = 0; b < KW; b++) {
            acc += xs[(i + a) * imgCols + j + b] * ws[a * KW + b];
          }
        }
        let z = acc + bias;
        let residual = ${activationWgsl(this.activation, 'z')} - tgt[c];
        let g = ${relu ? 'select(2.0 * residual * uniforms.lossScale, 0.0, z <= 0.0)' : '2.0 * residual * uniforms.lossScale'};
        gs[c] = g;
        squared += residual * residual;
        gSum += g;
      }
      red[li] = vec2<f32>(squared, gSum);
      workgroupBarrier();
      ${TREE_REDUCE_WGSL}
      // ∂L/∂Keff[p] = Σ_c g[c]·X[c + offset(p)], SPLIT threads per weight.
      if (li < KK * SPLIT) {
        let p = li % KK;
        let a = p / KW;
        let b = p % KW;
        var sum = 0.0;
        for (var c = li / KK; c < outCells; c += SPLIT) {
          sum += gs[c] * xs[(c / outCols + a) * imgCols + c % outCols + b];
        }
        gradParts[li] = sum;
      }
      workgroupBarrier();
      if (li < KK) {
        var sum = 0.0;
        for (var part = 0; part < SPLIT; part++) {
          sum += gradParts[part * KK + li];
        }
        gradEff[li] = sum;
      }
      if (li == 0) {
        let loss = red[0].x * uniforms.lossScale;
        result[OFF_LOSSES + s] = loss;
        if (!ksIsUsableLoss(loss)) {
          result[HDR_DIVERGED_STEP] = f32(uniforms.firstStep + s);
          result[HDR_DIVERGED_LOSS] = loss;
          stopFlag = 1u;
        }
        atomicStore(&allFinite, 1u);
      }
      if (workgroupUniformLoad(&stopFlag) == 1u) {
        break;
      }
      // The update, on stored (un-flipped) parameters; ws mirrors them in effective order.
      let t = f32(uniforms.firstStep + s);
      let stepSize = ${adam ? 'uniforms.lr / (1.0 - pow(uniforms.beta1, t))' : 'uniforms.lr'};
      let sqrtCorrection2 = ${adam ? 'sqrt(1.0 - pow(uniforms.beta2, t))' : '1.0'};
      for (var p = li; p < PARAM_COUNT; p += ${THREADS}) {
        var stored = KK;
        var g = 0.0;
        if (p < KK) {
          stored = ${effectiveIndexWgsl(this.mode, 'p')};
          g = gradEff[p];
        } else if (USE_BIAS) {
          g = red[0].y;
        }
        result[OFF_GRADS + stored] = g;
        if (p < KK || USE_BIAS) {
          ksUpdateParam(stored, g, stepSize, sqrtCorrection2);
        }
        let updated = result[OFF_PARAMS + stored];
        ws[p] = updated;
        if (!ksIsFinite(updated)) {
          atomicStore(&allFinite, 0u);
        }
      }
      // Other threads wrote the flipped parameters: storage needs its own barrier.
      storageBarrier();
      workgroupBarrier();
      if (atomicLoad(&allFinite) == 1u) {
        for (var p = li; p < PARAM_COUNT; p += ${THREADS}) {
          result[OFF_LAST_FINITE + p] = result[OFF_PARAMS + p];
        }
      }
      workgroupBarrier();
    }
  }
`;
  }
}
