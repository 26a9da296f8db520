/**
 * The one-kernel forward pass, the layer engine's specialization for one channel in and out in
 * the "valid" geometry (layer.ts picks it by shape): register strips (`ks_corr2d_strip…`) or
 * shared-memory tiles (`ks_corr2d…`), by kernel size and the adapter's tuning.
 */
import { outputShape, validGeometry } from '#core/layer';
import type { Matrix } from '#core/matrix';
import type { ForwardParams } from '#core/types';
import type { GpuContext } from './context';
import { raceLost, withErrorScopes } from './context';
import { Corr2dForwardProgram } from './programs/corr2dForwardProgram';
import { Corr2dStripProgram } from './programs/corr2dStripProgram';
import type { ConvSpec } from './stripWindow';
import { fitsStrip } from './stripWindow';
import type { ProgramTuning } from './tuning';
import { HARDWARE_STRIP_MAX_TAPS } from './tuning';

/**
 * The forward program for a kernel size and tuning: register strips up to STRIP_MAX_TAPS on a
 * software adapter and up to HARDWARE_STRIP_MAX_TAPS on hardware, shared-memory tiles above.
 */
export function forwardProgram(
  spec: ConvSpec,
  tuning: ProgramTuning = 'software',
): Corr2dStripProgram | Corr2dForwardProgram {
  const strip =
    tuning === 'hardware' ? spec.kh * spec.kw <= HARDWARE_STRIP_MAX_TAPS : fitsStrip(spec.kh, spec.kw);
  return strip ? new Corr2dStripProgram(spec) : new Corr2dForwardProgram(spec, tuning);
}

/** One forward pass of a checked one-kernel problem: upload X and K, one dispatch, one readback. */
export async function forwardKernelWebGpu(
  ctx: GpuContext,
  x: Matrix,
  k: Matrix,
  params: ForwardParams,
  tuning: ProgramTuning = 'software',
): Promise<Matrix> {
  const tfb = ctx.tfBackend;
  const { rows: outRows, cols: outCols } = outputShape(validGeometry(k), x);
  const out = await withErrorScopes(ctx, { kind: 'forward', rows: x.rows, cols: x.cols }, () => {
    const img = tfb.makeTensorInfo([x.rows, x.cols], 'float32', new Float32Array(x.data));
    const kern = tfb.makeTensorInfo([k.rows, k.cols], 'float32', new Float32Array(k.data));
    const program = forwardProgram(
      {
        outRows,
        outCols,
        kh: k.rows,
        kw: k.cols,
        mode: params.mode,
        activation: params.activation,
      },
      tuning,
    );
    const result = tfb.runWebGPUProgram(program, [img, kern], 'float32', [
      { type: 'float32', data: [params.bias] },
    ]);
    tfb.disposeData(img.dataId);
    tfb.disposeData(kern.dataId);
    return result;
  });
  try {
    const values = (await raceLost(ctx, tfb.read(out.dataId))) as Float32Array;
    return { rows: outRows, cols: outCols, data: new Float32Array(values) };
  } finally {
    tfb.disposeData(out.dataId);
  }
}
