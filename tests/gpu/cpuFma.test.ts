/**
 * The CPU's WebAssembly programs in real Chromium, where relaxed SIMD gives them a fused
 * multiply-add (Node 20 has it only behind a flag, so tests/unit runs the multiply-then-add
 * programs): every layer golden case, forward and training, within its file's tolerance, and
 * random layers against the float64 TypeScript reference.
 */
import { describe, expect, test } from 'vitest';
import { CpuLayerTrainer, forwardLayerCpu } from '#core/cpu/index';
import { mulberry32 } from '#core/random';
import { wasmFmaAvailable } from '#core/wasm/layer';
import type { LayerCase, LayerForwardCase, LayerTrainCase } from '../helpers/golden-layer';
import { PARAM_TOLERANCE, biasList, flat, forwardInputs, layerConfigFromCase } from '../helpers/golden-layer';
import { expectClose } from '../helpers/numeric';
import { expectProgramLikeReference, randomLayer } from '../helpers/random-layers';
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
      for (let n = 0; n < 20; n++) {
        const p = randomLayer(rand, n, { maxOut: 6, maxDilation: 2, maxSide: 30 });
        expectProgramLikeReference(p, 'sum', 1e-4, `#${n}`);
        const { x, weights, bias, spec } = p;
        const fast = forwardLayerCpu(x, weights, bias, spec);
        expectClose(fast.data, forwardLayerCpu(x, weights, bias, spec, 'js').data, 1e-5, `#${n} forward`);
      }
    });
  },
);
