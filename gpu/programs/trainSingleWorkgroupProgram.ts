/**
 * (c) The whole multi-step training loop for a small image in ONE dispatch of ONE
 * workgroup: the image, ∂L/∂pre and the kernel live in workgroup memory for all steps;
 * phases (forward → reductions → update) are separated by workgroupBarrier. For the
 * d2l toy (6×8 image, 1×2 kernel) a step is a few hundred FLOPs, so launch and
 * submission overhead is everything; this path pays it once per `steps`.
 */
import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import type { Activation, Mode, OptimizerKind } from '#core/types';
import type { StateLayout } from '../stateLayout';
import { stateLayoutWgsl } from '../stateLayout';
import {
  LOSS_CHECK_WGSL,
  OPTIMIZER_UNIFORMS,
  activationWgsl,
  effectiveIndexWgsl,
  optimizerWgsl,
} from '../wgslSnippets';

/** Image cells and output cells that fit in workgroup memory next to everything else. */
export const SINGLE_WORKGROUP_MAX_CELLS = 1024;
/** Largest kernel the single-workgroup path takes (its gradient split assumes few taps). */
const MAX_TAPS = 256;

export function fitsSingleWorkgroup(imgRows: number, imgCols: number, kh: number, kw: number): boolean {
  return imgRows * imgCols <= SINGLE_WORKGROUP_MAX_CELLS && kh * kw <= MAX_TAPS;
}

/**
 * Threads for a problem: about 128 multiply-adds of forward work per thread per step,
 * 4 to 64 threads. SwiftShader runs 4 invocations per SIMD "subgroup" and switches
 * between subgroups at every barrier, so the d2l toy (42 outputs × 2 taps) runs best as
 * one subgroup; bigger problems spread over more threads (real GPUs want that).
 */
export function singleWorkgroupThreads(outCells: number, kernelSize: number): number {
  let threads = 4;
  while (threads < 64 && threads * 128 < outCells * kernelSize) threads *= 2;
  return threads;
}

export class TrainSingleWorkgroupProgram implements WebGPUProgram {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout = { x: [0], y: [1] };
  dispatch: [number, number, number] = [1, 1, 1];
  variableNames = ['img', 'tgt'];
  /**
   * steps to run; firstStep: the 1-based global number of the first one. Step s's stepSize and
   * √(1 − β2^t) are read from the state's stepScalars region, which the host fills per submission.
   */
  uniforms = `steps: i32, firstStep: i32, lossScale: f32, ${OPTIMIZER_UNIFORMS}`;
  workgroupSize: [number, number, number];
  private readonly threads: number;

  constructor(
    outCells: number,
    private readonly kh: number,
    private readonly kw: number,
    private readonly mode: Mode,
    private readonly activation: Activation,
    private readonly optimizer: OptimizerKind,
    private readonly useBias: boolean,
    private readonly layout: StateLayout,
  ) {
    this.threads = singleWorkgroupThreads(outCells, kh * kw);
    this.workgroupSize = [this.threads, 1, 1];
    this.outputShape = [layout.length];
    this.shaderKey = `ks_train_single_wg_${kh}x${kw}_${mode}_${activation}_${optimizer}_bias${useBias}_wg${this.threads}_max${SINGLE_WORKGROUP_MAX_CELLS}`;
  }

  /** acc += X·K for the output cell at image offset `origin` (straight-line for small kernels). */
  private forwardSumWgsl(): string {
    const { kh, kw } = this;
    if (kh * kw > 64)
      return `for (var a = 0; a < KH; a++) {
          for (var b = 0; b < KW; b++) {
            acc += xs[origin + a * imgCols + b] * ws[a * KW + b];
          }
        }`;
    const lines: string[] = [];
    for (let a = 0; a < kh; a++) {
      lines.push(`let row${a} = origin + ${a} * imgCols;`);
      for (let b = 0; b < kw; b++) lines.push(`acc += xs[row${a} + ${b}] * ws[${a * kw + b}];`);
    }
    return lines.join('\n        ');
  }

  getUserCode(): string {
    const { kh, kw, threads } = this;
    const kk = kh * kw;
    const split = Math.max(1, Math.floor(threads / kk));
    const relu = this.activation === 'relu';
    return `
  ${stateLayoutWgsl(this.layout)}
  ${LOSS_CHECK_WGSL}
  ${optimizerWgsl(this.optimizer)}
  const KH = ${kh};
  const KW = ${kw};
  const SPLIT = ${split};
  const THREADS = ${threads};
  const USE_BIAS = ${this.useBias};
  var<workgroup> xs: array<f32, ${SINGLE_WORKGROUP_MAX_CELLS}>;
  var<workgroup> gs: array<f32, ${SINGLE_WORKGROUP_MAX_CELLS}>;
  /** Effective (slid) weights, then the bias. */
  var<workgroup> ws: array<f32, ${kk + 1}>;
  var<workgroup> gradParts: array<f32, ${kk * split}>;
  /** Per-thread (Σ residual², Σ ∂L/∂pre): summed by thread 0, no tree (no extra barriers). */
  var<workgroup> red: array<vec2<f32>, ${threads}>;
  var<workgroup> biasGrad: f32;
  var<workgroup> stopFlag: u32;
  var<workgroup> allFinite: atomic<u32>;

  fn storedIndex(p: i32) -> i32 {
    return ${effectiveIndexWgsl(this.mode, 'p')};
  }

  // Three barriers per step: after the forward, the stop decision, after the update.
  fn main() {
    let li = i32(localIndex);
    let imgCols = uniforms.imgShape.y;
    let imgCells = uniforms.imgShape.x * imgCols;
    let outCols = uniforms.tgtShape.y;
    let outCells = uniforms.tgtShape.x * outCols;
    for (var i = li; i < imgCells; i += THREADS) {
      xs[i] = img[i];
    }
    for (var p = li; p < KK; p += THREADS) {
      ws[p] = result[OFF_PARAMS + storedIndex(p)];
    }
    if (li == 0) {
      ws[KK] = result[OFF_PARAMS + KK];
      stopFlag = select(0u, 1u, result[HDR_DIVERGED_STEP] > 0.0);
    }
    if (workgroupUniformLoad(&stopFlag) == 1u) {
      return;
    }

    for (var s = 0; s < uniforms.steps; s++) {
      // 1. Forward, residual and ∂L/∂pre for this thread's output cells.
      let bias = ws[KK];
      var squared = 0.0;
      var gSum = 0.0;
      for (var c = li; c < outCells; c += THREADS) {
        let origin = (c / outCols) * imgCols + c % outCols;
        var acc = 0.0;
        ${this.forwardSumWgsl()}
        let z = acc + bias;
        let residual = ${activationWgsl(this.activation, 'z')} - tgt[c];
        let g = ${relu ? 'select(2.0 * residual * uniforms.lossScale, 0.0, z <= 0.0)' : '2.0 * residual * uniforms.lossScale'};
        gs[c] = g;
        squared += residual * residual;
        gSum += g;
      }
      red[li] = vec2<f32>(squared, gSum);
      workgroupBarrier();

      // 2. ∂L/∂Keff[p] = Σ_c g[c]·X[c + offset(p)], SPLIT threads per weight; thread 0
      //    sums the loss, records it and decides whether to stop.
      for (var q = li; q < KK * SPLIT; q += THREADS) {
        let p = q % KK;
        let offset = (p / KW) * imgCols + p % KW;
        var sum = 0.0;
        for (var c = q / KK; c < outCells; c += SPLIT) {
          sum += gs[c] * xs[(c / outCols) * imgCols + c % outCols + offset];
        }
        gradParts[q] = sum;
      }
      if (li == 0) {
        var total = vec2<f32>(0.0, 0.0);
        for (var t = 0; t < THREADS; t++) {
          total += red[t];
        }
        let loss = total.x * uniforms.lossScale;
        result[OFF_LOSSES + s] = loss;
        biasGrad = total.y;
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

      // 3. The update, on stored (un-flipped) parameters; ws mirrors them in slid order.
      let stepSize = result[OFF_STEP_SCALARS + 2 * s];
      let sqrtCorrection2 = result[OFF_STEP_SCALARS + 2 * s + 1];
      for (var p = li; p < PARAM_COUNT; p += THREADS) {
        var stored = KK;
        var g = 0.0;
        if (p < KK) {
          stored = storedIndex(p);
          for (var part = 0; part < SPLIT; part++) {
            g += gradParts[part * KK + p];
          }
        } else if (USE_BIAS) {
          g = biasGrad;
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
      workgroupBarrier();
      // Copied from ws (workgroup memory, visible after the barrier), so no storageBarrier.
      if (atomicLoad(&allFinite) == 1u) {
        for (var p = li; p < PARAM_COUNT; p += THREADS) {
          result[OFF_LAST_FINITE + select(KK, storedIndex(p), p < KK)] = ws[p];
        }
      }
    }
  }
`;
  }
}
