/**
 * `kernel-studio … --backend webgpu` as a child process, through Dawn for Node (SwiftShader on a
 * machine without a GPU): every golden case, the backend named in --json, and the refusal when
 * WebGPU is asked for but there is none.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ForwardCase, TrainCase } from '../helpers/golden';
import { expectAllClose, loadGolden } from '../helpers/golden';
import type { Run as CliRun } from '../helpers/cli-harness';
import { cliHarness } from '../helpers/cli-harness';

const golden = loadGolden();
const forwardCases = golden.filter((c): c is ForwardCase => c.op === 'forward');
const trainCases = golden.filter((c): c is TrainCase => c.op === 'train');
const harness = cliHarness('cli-gpu-test');
const { work } = harness;
const cli = {
  run: (args: readonly string[], options: { env?: NodeJS.ProcessEnv } = {}): CliRun =>
    harness.cliWith({ env: options.env ?? process.env }, ...args),
};

beforeAll(() => harness.build(), 120_000);
afterAll(() => harness.dispose());

function file(name: string, rows: number[][]): string {
  return harness.write(name, JSON.stringify(rows));
}
function json<T>(run: CliRun): T {
  expect(run.stderr).not.toMatch(/^kernel-studio: /m);
  expect(run.status).toBe(0);
  return JSON.parse(run.stdout) as T;
}

describe('golden cases through kernel-studio --backend webgpu', () => {
  test('the golden files were found', () => {
    expect(forwardCases.length).toBeGreaterThanOrEqual(5);
    expect(trainCases.length).toBeGreaterThanOrEqual(3);
  });

  test.each(forwardCases.map((c) => [c.name, c] as const))('corr2d %s', (name, c) => {
    const args = ['corr2d', '--x', file(`${name}.x.json`, c.x), '--k', file(`${name}.k.json`, c.k)];
    args.push('--mode', c.mode, '--bias', String(c.bias), '--activation', c.activation);
    const out = json<{ y: number[][]; backend: string }>(cli.run([...args, '--backend', 'webgpu', '--json']));
    expect(out.backend).toBe('webgpu');
    expectAllClose(out.y.flat(), c.expected.y.flat(), c.tolerance, `${name} y`);
  });

  test.each(trainCases.map((c) => [c.name, c] as const))('train %s', (name, c) => {
    const args = ['train', '--x', file(`${name}.x.json`, c.x), '--y', file(`${name}.y.json`, c.y)];
    args.push('--init', file(`${name}.init.json`, c.init.weight), '--init-bias', String(c.init.bias));
    args.push(c.use_bias ? '--bias' : '--no-bias', '--lr', String(c.lr), '--steps', String(c.steps));
    args.push('--mode', c.mode, '--activation', c.activation, '--loss', c.loss);
    const out = json<{ loss: number[]; weight: number[][]; bias: number; backend: string }>(
      cli.run([...args, '--backend', 'webgpu', '--json']),
    );
    expect(out.backend).toBe('webgpu');
    expectAllClose(out.loss, c.expected.loss, c.tolerance, `${name} loss`);
    expectAllClose(out.weight.flat(), c.expected.weight.flat(), c.tolerance, `${name} weight`);
    expectAllClose([out.bias], [c.expected.bias], c.tolerance, `${name} bias`);
  });
});

describe('--backend', () => {
  const edge = forwardCases.find((c) => c.name === 'edge_vertical') as ForwardCase;
  const corr2d = (backend: string, env?: NodeJS.ProcessEnv): CliRun =>
    cli.run(
      [
        'corr2d',
        '--x',
        file('e.x.json', edge.x),
        '--k',
        file('e.k.json', edge.k),
        '--json',
        '--backend',
        backend,
      ],
      { env },
    );

  test('cpu (also the default) names the CPU; auto follows the app rule for this adapter', async () => {
    expect(json<{ backend: string }>(corr2d('cpu')).backend).toBe('cpu');
    const plain = cli.run([
      'corr2d',
      '--x',
      file('e.x.json', edge.x),
      '--k',
      file('e.k.json', edge.k),
      '--json',
    ]);
    expect(json<{ backend: string }>(plain).backend).toBe('cpu');
    const adapter = await navigator.gpu.requestAdapter({ powerPreference: 'high-performance' });
    const { adapterIsFallback } = await import('../../gpu/context');
    const expected = adapter && !adapterIsFallback(adapter) ? 'webgpu' : 'cpu';
    expect(json<{ backend: string }>(corr2d('auto')).backend).toBe(expected);
  });

  test('webgpu with no GPU adapter: exit 2 and one clear line, no stack trace; auto runs on the CPU', () => {
    // A Vulkan driver list that names no driver: Dawn finds no adapter.
    const env = { ...process.env, VK_ICD_FILENAMES: join(work, 'no-such-icd.json'), VK_DRIVER_FILES: '' };
    const r = corr2d('webgpu', env);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    const ours = r.stderr.split('\n').filter((line) => line.startsWith('kernel-studio: '));
    expect(ours).toEqual([
      'kernel-studio: --backend webgpu: no GPU adapter is available (Dawn found no Vulkan driver).',
    ]);
    expect(r.stderr).not.toMatch(/\n\s+at .*\.js/);
    expect(json<{ backend: string }>(corr2d('auto', env)).backend).toBe('cpu');
  });

  test('an unknown backend is a usage error', () => {
    const r = corr2d('gpu');
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('kernel-studio: --backend: "gpu" is not one of auto, webgpu, cpu.\n');
  });
});
