/** Every PyTorch layer golden case (tests/golden/layer) on the WebGPU backend, within each file's tolerance. */
import { describe, expect, test } from 'vitest';
import { outputShape } from '#core/layer';
import type { LayerCase, LayerForwardCase, LayerTrainCase } from '../helpers/golden-layer';
import { PARAM_TOLERANCE, biasList, flat, forwardInputs, layerConfigFromCase } from '../helpers/golden-layer';
import { firstMismatch } from './goldenCases';
import { webgpuBackend } from './webgpuHarness';

const modules = import.meta.glob<{ default: LayerCase }>('../golden/layer/*.json', { eager: true });
const cases = Object.keys(modules)
  .sort()
  .map((path) => modules[path].default);
const forwardCases = cases.filter((c): c is LayerForwardCase => c.op === 'forward');
const trainCases = cases.filter((c): c is LayerTrainCase => c.op === 'train');

test('the layer golden files were found', () => {
  expect(forwardCases.length).toBeGreaterThanOrEqual(8);
  expect(trainCases.length).toBeGreaterThanOrEqual(2);
});

describe('layer forward golden cases on WebGPU', () => {
  test.each(forwardCases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const gpu = await webgpuBackend();
    const { x, w, bias, spec } = forwardInputs(c);
    const y = await gpu.forwardLayer(x, w, bias, spec);
    const { rows, cols } = outputShape(spec, x);
    expect([y.channels, y.rows, y.cols]).toEqual([spec.outChannels, rows, cols]);
    expect(firstMismatch(y.data, flat(c.expected.y), c.tolerance)).toBeNull();
  });
});

describe('layer training golden trajectories on WebGPU', () => {
  test.each(trainCases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const gpu = await webgpuBackend();
    const trainer = await gpu.createLayerTrainer(layerConfigFromCase(c));
    try {
      // Two runs: the losses must continue across readbacks, not restart.
      const first = Math.floor(c.steps / 2);
      const a = await trainer.run(first);
      const b = await trainer.run(c.steps - first);
      expect([a.firstStep, b.firstStep]).toEqual([1, first + 1]);
      expect(a.diverged ?? b.diverged).toBeUndefined();
      expect(firstMismatch([...a.losses, ...b.losses], c.expected.loss, c.tolerance)).toBeNull();
      const snap = await trainer.snapshot();
      expect(snap.step).toBe(c.steps);
      expect(firstMismatch(snap.weight.data, flat(c.expected.weight), PARAM_TOLERANCE)).toBeNull();
      expect(firstMismatch(snap.bias, biasList(c.expected.bias), PARAM_TOLERANCE)).toBeNull();
    } finally {
      trainer.dispose();
    }
  });
});
