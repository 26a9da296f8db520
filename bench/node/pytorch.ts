/**
 * PyTorch CPU peers (fp32, all threads), from bench/node/pytorch_cpu.py in a child process.
 * Optional: with no python3 that imports torch (`apt-get install python3-torch` on Debian),
 * the rows are skipped with one line saying so. `BENCH_PYTHON` picks the interpreter.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BenchResult } from './measure';

const SCRIPT = fileURLToPath(new URL('./pytorch_cpu.py', import.meta.url));

export async function pytorchCpuPeers(quick: boolean, log: (line: string) => void): Promise<BenchResult[]> {
  const candidates = process.env.BENCH_PYTHON ? [process.env.BENCH_PYTHON] : ['python3', '/usr/bin/python3'];
  for (const python of candidates) {
    const run = spawnSync(python, [SCRIPT, ...(quick ? ['--quick'] : [])], {
      encoding: 'utf8',
      timeout: 300_000,
    });
    if (run.status !== 0) continue;
    const report = JSON.parse(run.stdout) as {
      threads: number;
      torch: string;
      results: { workload: string; median_ms: number; runs: number; min_ms: number; max_ms: number }[];
    };
    log(`PyTorch ${report.torch} CPU, ${report.threads} threads (${python})`);
    return report.results.map((r) => ({
      workload: r.workload,
      backend: 'cpu',
      impl: 'pytorch-cpu',
      median_ms: r.median_ms,
      runs: r.runs,
      spread_ms: [r.min_ms, r.max_ms],
    }));
  }
  log('PyTorch CPU rows skipped: no python3 with torch (apt-get install python3-torch)');
  return [];
}
