/**
 * One self-contained file for a GPU machine that has no node_modules (scripts/device-prepare.mjs
 * bundles it; scripts/device-bench.sh runs it): on Dawn for Node's adapter it runs every golden
 * case on the WebGPU backend (forward, and training on both paths), then the WebGPU bench, and
 * prints one JSON object. Usage: node harness.mjs GOLDEN_DIR [--quick] [--skip-bench]
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fromRows } from '#core/matrix';
import type { TrainPath } from '../../gpu/trainer';
import { installDawn } from '../../cli/dawn';
import type { GoldenCase, Tolerance } from '../../tests/helpers/golden-cases';
import { close, configFromCase } from '../../tests/helpers/golden-cases';
import { oneKernelLayer, forwardOneKernel } from '../../tests/helpers/one-kernel';

function mismatch(actual: ArrayLike<number>, expected: number[], tol: Tolerance): string | null {
  if (actual.length !== expected.length) return `length ${actual.length} ≠ ${expected.length}`;
  for (let i = 0; i < expected.length; i++)
    if (!close(actual[i], expected[i], tol)) return `[${i}] ${actual[i]} ≠ ${expected[i]}`;
  return null;
}

async function goldenChecks(dir: string): Promise<{ name: string; ok: boolean; detail?: string }[]> {
  const cases = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as GoldenCase);
  // Loaded after Dawn is installed: gpu/ and tfjs expect WebGPU's globals.
  const { createWebGpuBackend } = await import('../../gpu/backend');
  const gpu = await createWebGpuBackend();
  const out: { name: string; ok: boolean; detail?: string }[] = [];
  try {
    for (const c of cases) {
      if (c.op === 'forward') {
        const y = await forwardOneKernel(gpu, fromRows(c.x), fromRows(c.k), c);
        const bad = mismatch(y.data, c.expected.y.flat(), c.tolerance);
        out.push({ name: c.name, ok: bad === null, ...(bad ? { detail: bad } : {}) });
        continue;
      }
      for (const path of ['single-workgroup', 'tiled'] as TrainPath[]) {
        const trainer = await gpu.createLayerTrainerOnPath(oneKernelLayer(configFromCase(c)), path);
        const chunk = await trainer.run(c.steps);
        const snap = await trainer.snapshot();
        trainer.dispose();
        const bad =
          mismatch(chunk.losses, c.expected.loss, c.tolerance) ??
          mismatch(snap.weight.data, c.expected.weight.flat(), c.tolerance) ??
          mismatch(snap.bias, [c.expected.bias], c.tolerance);
        out.push({ name: `${c.name} (${path})`, ok: bad === null, ...(bad ? { detail: bad } : {}) });
      }
    }
  } finally {
    gpu.dispose();
  }
  return out;
}

const [goldenDir, ...flags] = process.argv.slice(2);
const dawn = await installDawn();
if (!dawn.ok) {
  console.error(`harness: ${dawn.reason}`);
  process.exit(2);
}
const adapter = await navigator.gpu.requestAdapter({ powerPreference: 'high-performance' });
const info = adapter?.info;
const golden = goldenDir ? await goldenChecks(goldenDir) : [];
// The bench logs its progress with console.log; stdout carries the JSON alone.
const log = console.log;
console.log = (...parts: unknown[]) => console.error(...parts);
const { runWebGpuBench } = await import('../webgpu');
const bench = flags.includes('--skip-bench')
  ? null
  : await runWebGpuBench({ quick: flags.includes('--quick') });
console.log = log;
const report = {
  adapter: info
    ? { vendor: info.vendor, architecture: info.architecture, description: info.description }
    : null,
  golden: { passed: golden.filter((g) => g.ok).length, failed: golden.filter((g) => !g.ok) },
  ...(bench ?? {}),
};
process.stdout.write(`${JSON.stringify(report)}\n`);
process.exitCode = report.golden.failed.length ? 1 : 0;
