/**
 * The WebGPU bench (bench/webgpu.ts) in Node, on Dawn for Node's navigator.gpu: what
 * `npm run bench:gpu` runs through scripts/bench.mjs. On a machine without a GPU, Dawn runs on
 * SwiftShader (scripts/swiftshader.mjs); on a GPU machine it measures the real adapter.
 */
import { installDawn, preferSwiftShaderIcd } from '../../cli/dawn';
import type { BenchOptions, BenchReport } from '../webgpu';

export async function runWebGpuBenchInNode(options: BenchOptions): Promise<BenchReport> {
  preferSwiftShaderIcd();
  const dawn = await installDawn();
  if (!dawn.ok) throw new Error(dawn.reason);
  const { runWebGpuBench } = await import('../webgpu');
  return runWebGpuBench(options);
}
