/**
 * Every layer golden case (channels, stride, padding, dilation) through `kernel-studio … --backend
 * webgpu` as a child process: our WGSL layer programs through Dawn for Node (SwiftShader on a
 * machine without a GPU). The CPU side of the same cases is tests/unit/cli-layer.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliHarness } from '../helpers/cli-harness';
import type { LayerForwardCase, LayerTrainCase } from '../helpers/golden';
import {
  biasList,
  expectAllClose,
  flat,
  loadLayerGolden,
  nd,
  optimizerOf,
  PARAM_TOLERANCE,
} from '../helpers/golden';

const h = cliHarness('cli-layer-gpu');
const golden = loadLayerGolden();
const forwardCases = golden.filter((c): c is LayerForwardCase => c.op === 'forward');
const trainCases = golden.filter((c): c is LayerTrainCase => c.op === 'train');

beforeAll(() => h.build(), 120_000);
afterAll(() => h.dispose());

const geometry = (c: LayerForwardCase | LayerTrainCase): string[] =>
  ['stride', 'padding', 'dilation'].flatMap((k) => [`--${k}`, c[k as 'stride'].join(',')]);

function runJson<T>(args: string[]): T & { backend: string } {
  const r = h.cli(...args, '--backend', 'webgpu', '--json');
  expect(r.stderr).not.toMatch(/^kernel-studio: /m);
  expect(r.status).toBe(0);
  const out = JSON.parse(r.stdout) as T & { backend: string };
  expect(out.backend).toBe('webgpu');
  return out;
}

describe('corr2d --backend webgpu: every layer golden case', () => {
  it('found the layer golden files', () => {
    expect(forwardCases.length).toBeGreaterThanOrEqual(6);
    expect(trainCases.length).toBeGreaterThanOrEqual(2);
  });

  it.each(forwardCases.map((c) => [c.name, c] as const))('%s', (name, c) => {
    const x = h.write(`${name}-x.json`, JSON.stringify(c.x));
    const k = h.write(`${name}-k.json`, JSON.stringify(c.k));
    const args = ['corr2d', '--x', x, '--k', k, '--bias', Array.from(biasList(c.bias)).join(',')];
    args.push('--mode', c.mode, '--activation', c.activation, ...geometry(c));
    const { y } = runJson<{ y: number[][] | number[][][] }>(args);
    expect(nd(y).shape).toEqual(nd(c.expected.y).shape);
    expectAllClose(flat(y), flat(c.expected.y), c.tolerance, `${name} y`);
  });
});

describe('train --backend webgpu: the layer golden trajectories', () => {
  it.each(trainCases.map((c) => [c.name, c] as const))('%s', (name, c) => {
    const args = ['train', '--x', h.write(`${name}-x.json`, JSON.stringify(c.x))];
    args.push('--y', h.write(`${name}-y.json`, JSON.stringify(c.y)));
    args.push('--init', h.write(`${name}-init.json`, JSON.stringify(c.init.weight)));
    args.push('--kernel-shape', c.kernel_shape.join('x'), '--out-channels', String(c.out_channels));
    args.push(
      '--init-bias',
      Array.from(biasList(c.init.bias)).join(','),
      c.use_bias ? '--bias' : '--no-bias',
    );
    args.push(
      '--lr',
      String(c.lr),
      '--steps',
      String(c.steps),
      '--loss',
      c.loss,
      '--optimizer',
      optimizerOf(c),
    );
    args.push(...geometry(c));
    args.push('--mode', c.mode, '--activation', c.activation);
    const out = runJson<{ loss: number[]; weight: number[][]; bias: number | number[] }>(args);
    expectAllClose(out.loss, c.expected.loss, c.tolerance, `${name} loss`);
    expectAllClose(flat(out.weight), flat(c.expected.weight), PARAM_TOLERANCE, `${name} weight`);
    expectAllClose(biasList(out.bias), biasList(c.expected.bias), PARAM_TOLERANCE, `${name} bias`);
  });
});
