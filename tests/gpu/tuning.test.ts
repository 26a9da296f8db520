/**
 * Programs chosen per adapter (gpu/tuning.ts): SwiftShader-tuned strips on software adapters,
 * shared-memory tiles for large kernels on hardware. The choice is forced here, so both sides
 * run (and must be right) on whatever adapter the tests have.
 */
import { describe, expect, test } from 'vitest';
import { randomMatrix } from '#core/random';
import { forwardRef } from '#core/reference';
import type { WebGpuBackend } from '../../gpu/backend';
import { createWebGpuBackend } from '../../gpu/backend';
import { forwardProgram } from '../../gpu/kernelForward';
import { Corr2dForwardProgram } from '../../gpu/programs/corr2dForwardProgram';
import { Corr2dStripProgram } from '../../gpu/programs/corr2dStripProgram';
import type { ProgramTuning } from '../../gpu/tuning';
import { adapterIsFallback } from '../../gpu/context';
import { expectClose } from '../helpers/numeric';
import { forwardOneKernel } from '../helpers/one-kernel';

const spec = (k: number, kw = k) =>
  ({ outRows: 40, outCols: 50, kh: k, kw, mode: 'correlate', activation: 'none' }) as const;

describe('the program choice and its shaderKey', () => {
  test('software: strips up to 11×11, tiles of 16×4 threads above', () => {
    expect(forwardProgram(spec(7), 'software')).toBeInstanceOf(Corr2dStripProgram);
    expect(forwardProgram(spec(11), 'software')).toBeInstanceOf(Corr2dStripProgram);
    const big = forwardProgram(spec(13, 12), 'software');
    expect(big).toBeInstanceOf(Corr2dForwardProgram);
    expect(big.shaderKey).toMatch(/^ks_corr2d_fwd_software_13x12_.*_wg16x4_/);
  });

  test('hardware: strips up to 5×5, shared-memory tiles of 16×16 threads above', () => {
    expect(forwardProgram(spec(3), 'hardware')).toBeInstanceOf(Corr2dStripProgram);
    expect(forwardProgram(spec(5), 'hardware')).toBeInstanceOf(Corr2dStripProgram);
    for (const k of [6, 7, 11]) {
      const p = forwardProgram(spec(k), 'hardware');
      expect(p).toBeInstanceOf(Corr2dForwardProgram);
      expect(p.shaderKey).toMatch(new RegExp(`^ks_corr2d_fwd_hardware_${k}x${k}_.*_wg16x16_`));
      expect(p.workgroupSize).toEqual([16, 16, 1]);
    }
  });

  test('a backend tunes for its adapter unless told otherwise', async () => {
    const adapter = await navigator.gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (!adapter) throw new Error('the GPU tests need a WebGPU adapter');
    const gpu = await createWebGpuBackend({ adapter });
    try {
      expect(gpu.tuning).toBe(adapterIsFallback(adapter) ? 'software' : 'hardware');
    } finally {
      gpu.dispose();
    }
  });
});

describe.each<ProgramTuning>(['software', 'hardware'])(
  'forward with %s-tuned programs vs forwardRef',
  (tuning) => {
    let gpu: Promise<WebGpuBackend> | null = null;
    const backend = () => (gpu ??= createWebGpuBackend({ tuning }));
    // 6×6 is a strip on software and a tile on hardware; 13×12 a tile on both (the tiles
    // differ). programs.test.ts covers the software side's other sizes: compiling big unrolled
    // shaders on SwiftShader takes tens of seconds each.
    test.each([
      [6, 6],
      [13, 12],
    ])('%i×%i, 37×70, both modes, ReLU, bias', async (kh, kw) => {
      const b = await backend();
      expect(b.tuning).toBe(tuning);
      const x = randomMatrix(37, 70, 11 + kh, -1, 1);
      const k = randomMatrix(kh, kw, 7 + kw, -1, 1);
      for (const mode of ['correlate', 'convolve'] as const) {
        const params = { mode, activation: 'relu', bias: 0.2 } as const;
        const y = await forwardOneKernel(b, x, k, params);
        expectClose(y.data, forwardRef(x, k, params), 1e-5, `${tuning} ${kh}×${kw} ${mode}`);
      }
    });
  },
);
