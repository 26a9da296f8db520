/**
 * The CPU's WebAssembly programs in real Chromium, where relaxed SIMD gives them a fused
 * multiply-add (Node 20 has it only behind a flag, so tests/unit runs the multiply-then-add
 * programs): every layer golden case, forward and training, within its file's tolerance, and
 * random layers against the float64 TypeScript reference.
 */
import { describe, expect, test } from 'vitest';
import { CpuLayerTrainer, forwardLayerCpu } from '#core/cpu/index';
import { layerLossAndGradsCpu, layerStepBuffers, padTensor } from '#core/cpu/layer';
import { convSpec, outputShape } from '#core/layer';
import { randomWeights } from '#core/random';
import { mulberry32 } from '#core/random';
import type { Tensor3 } from '#core/tensor';
import { wasmFmaAvailable, wasmLayerLossAndGrads } from '#core/wasm/layer';
import type { LayerCase, LayerForwardCase, LayerTrainCase } from '../helpers/golden-layer';
import { PARAM_TOLERANCE, biasList, flat, forwardInputs, layerConfigFromCase } from '../helpers/golden-layer';
import { expectClose } from '../helpers/numeric';
import { firstMismatch } from './goldenCases';

const modules = import.meta.glob<{ default: LayerCase }>('../golden/layer/*.json', { eager: true });
const cases = Object.values(modules).map((m) => m.default);
const forwardCases = cases.filter((c): c is LayerForwardCase => c.op === 'forward');
const trainCases = cases.filter((c): c is LayerTrainCase => c.op === 'train');

// Browser-only: the Node GPU suite shares this folder, and Node 20 has no relaxed SIMD by default.
describe.skipIf(!('Worker' in globalThis))(
  'the CPU programs with relaxed-SIMD multiply-add (Chromium)',
  () => {
    test('Chromium has relaxed SIMD, so the programs use it', () => {
      expect(wasmFmaAvailable()).toBe(true);
    });

    test.each(forwardCases.map((c) => [c.name, c] as const))('forward golden %s', (_name, c) => {
      const { x, w, bias, spec } = forwardInputs(c);
      const y = forwardLayerCpu(x, w, bias, spec);
      expect(firstMismatch(y.data, flat(c.expected.y), c.tolerance)).toBeNull();
    });

    test.each(trainCases.map((c) => [c.name, c] as const))('training golden %s', (_name, c) => {
      const trainer = new CpuLayerTrainer(layerConfigFromCase(c));
      const chunk = trainer.runSync(c.steps);
      expect(firstMismatch(chunk.losses, c.expected.loss, c.tolerance)).toBeNull();
      const snap = trainer.snapshotSync();
      expect(firstMismatch(snap.weight.data, flat(c.expected.weight), PARAM_TOLERANCE)).toBeNull();
      expect(firstMismatch(snap.bias, biasList(c.expected.bias), PARAM_TOLERANCE)).toBeNull();
      trainer.dispose();
    });

    test('one evaluation on random layers agrees with the float64 reference to float32 rounding', () => {
      const rand = mulberry32(91);
      const pick = (lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo + 1));
      const tensor = (channels: number, rows: number, cols: number): Tensor3 => ({
        channels,
        rows,
        cols,
        data: Float32Array.from({ length: channels * rows * cols }, () => rand() * 2 - 1),
      });
      for (let n = 0; n < 20; n++) {
        const [kh, kw] = [pick(1, 5), pick(1, 5)];
        const spec = convSpec({
          kernel: [kh, kw],
          inChannels: pick(1, 4),
          outChannels: pick(1, 6),
          padding: [pick(0, 2), pick(0, 2)],
          dilation: [pick(1, 2), pick(1, 2)],
          activation: n % 2 ? 'relu' : 'none',
        });
        const x = tensor(spec.inChannels, pick(kh * 3, 30), pick(kw * 3, 30));
        const out = outputShape(spec, x);
        const y = tensor(spec.outChannels, out.rows, out.cols);
        const xp = padTensor(x, spec.padding);
        const w = Float64Array.from(randomWeights(spec.outChannels, spec.inChannels, kh, kw, n).data);
        const bias = Array.from({ length: spec.outChannels }, () => rand() - 0.5);
        const [gW, gB, rW, rB] = [w.length, spec.outChannels, w.length, spec.outChannels].map(
          (size) => new Float64Array(size),
        );
        const program = wasmLayerLossAndGrads(xp, y, spec);
        expect(program).not.toBeNull();
        const loss = program!(w, bias, 'sum', gW, gB);
        const ref = layerLossAndGradsCpu(xp, y, w, bias, spec, 'sum', rW, rB, layerStepBuffers(spec, x));
        expectClose([loss], [ref], 1e-4, `#${n} loss`);
        expectClose(gW, rW, 1e-4, `#${n} ∂L/∂W`);
        expectClose(gB, rB, 1e-4, `#${n} ∂L/∂b`);
        const weights = {
          outChannels: spec.outChannels,
          inChannels: spec.inChannels,
          rows: kh,
          cols: kw,
          data: Float32Array.from(w),
        };
        const fast = forwardLayerCpu(x, weights, bias, spec);
        expectClose(fast.data, forwardLayerCpu(x, weights, bias, spec, 'js').data, 1e-5, `#${n} forward`);
      }
    });
  },
);
