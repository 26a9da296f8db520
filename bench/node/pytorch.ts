/**
 * PyTorch CPU peers (fp32, all threads), from bench/node/pytorch_cpu.py in child processes.
 * oneDNN picks its code path once per process, and on an AVX-512 CPU Debian's torch 1.13 picks
 * a ~20× slower one for one-channel convolutions unless `DNNL_MAX_CPU_ISA=AVX2` (training
 * steps go the other way): so the script runs on both paths and each row keeps the faster,
 * naming it (`path`) and giving the other path's median (`other_path_ms`). PyTorch at its best.
 * Optional: with no python3 that imports torch (`apt-get install python3-torch` on Debian),
 * the rows are skipped with one line saying so. `BENCH_PYTHON` picks the interpreter.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { LAYER_FORWARD_WORKLOAD, LAYER_TRAIN_WORKLOAD } from '../layer-problem';
import type { BenchResult } from './measure';

/**
 * Issue 21's CPU targets: the most that the faster of ours (one thread, every core) may take,
 * as a fraction of PyTorch CPU at its best (all threads, faster oneDNN path), in the same run.
 */
export const PYTORCH_TARGETS: Record<string, number> = {
  'corr2d 1024² 3×3': 1.0,
  'corr2d 1024² 7×7': 0.5,
  [LAYER_FORWARD_WORKLOAD]: 2.0,
  [LAYER_TRAIN_WORKLOAD]: 0.5,
  'train 256² 5×5+bias, 100 steps': 0.5,
};

const SCRIPT = fileURLToPath(new URL('./pytorch_cpu.py', import.meta.url));

/** oneDNN's two code paths: its own choice, and the AVX2 one. */
export const ONEDNN_PATHS = [
  { name: 'default', env: {} as Record<string, string> },
  { name: 'DNNL_MAX_CPU_ISA=AVX2', env: { DNNL_MAX_CPU_ISA: 'AVX2' } },
] as const;

interface Report {
  threads: number;
  torch: string;
  results: { workload: string; median_ms: number; runs: number; min_ms: number; max_ms: number }[];
}

function runScript(
  python: string,
  quick: boolean,
  env: Record<string, string>,
  only: readonly string[] | undefined,
): Report | undefined {
  const { DNNL_MAX_CPU_ISA: _, ...inherited } = process.env;
  const args = [...(quick ? ['--quick'] : []), ...(only ? [`--only=${only.join('|')}`] : [])];
  const run = spawnSync(python, [SCRIPT, ...args], {
    encoding: 'utf8',
    timeout: 600_000,
    env: { ...inherited, ...env },
  });
  return run.status === 0 ? (JSON.parse(run.stdout) as Report) : undefined;
}

/** The python that imports torch, or undefined. */
function findPython(): string | undefined {
  const candidates = process.env.BENCH_PYTHON ? [process.env.BENCH_PYTHON] : ['python3', '/usr/bin/python3'];
  return candidates.find(
    (python) => spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8', timeout: 60_000 }).status === 0,
  );
}

/** PyTorch's rows (all of them, or the workloads named in `only`) at their faster oneDNN path. */
export async function pytorchCpuPeers(
  quick: boolean,
  log: (line: string) => void,
  only?: readonly string[],
): Promise<BenchResult[]> {
  const python = findPython();
  if (!python) {
    log('PyTorch CPU rows skipped: no python3 with torch (apt-get install python3-torch; BENCH_PYTHON=…)');
    return [];
  }
  const best = new Map<string, BenchResult & { other_path_ms?: number }>();
  for (const path of ONEDNN_PATHS) {
    const report = runScript(python, quick, path.env, only);
    if (!report) {
      log(`PyTorch CPU on oneDNN's ${path.name} path failed; its rows are left out`);
      continue;
    }
    log(`PyTorch ${report.torch} CPU, ${report.threads} threads, oneDNN path ${path.name} (${python})`);
    for (const r of report.results) {
      const row = {
        workload: r.workload,
        backend: 'cpu' as const,
        impl: 'pytorch-cpu' as const,
        median_ms: r.median_ms,
        runs: r.runs,
        spread_ms: [r.min_ms, r.max_ms] as [number, number],
        path: path.name,
      };
      const before = best.get(r.workload);
      if (!before) best.set(r.workload, row);
      else if (row.median_ms < before.median_ms)
        best.set(r.workload, { ...row, other_path_ms: before.median_ms });
      else before.other_path_ms = row.median_ms;
    }
  }
  return [...best.values()];
}
