/**
 * Prints the CPU benchmark as a table and then as JSON.
 * Command (jiti runs TypeScript directly in Node, no build step): npx jiti bench/node/run-cpu.ts
 * Add `--peers-at-2048` to also time tfjs on 2048² images (about 3 more minutes).
 */
import type { BenchResult } from './cpu';
import { runCpuBench } from './cpu';

function row(r: BenchResult): string {
  return `${r.workload.padEnd(34)} ${r.impl.padEnd(10)} ${r.median_ms.toFixed(3).padStart(10)} ms  (median of ${r.runs})`;
}

const started = performance.now();
const results = await runCpuBench({
  peersAt2048: process.argv.includes('--peers-at-2048'),
  onResult: (r) => console.log(row(r)),
});
console.log(`total ${((performance.now() - started) / 1000).toFixed(1)} s`);
console.log(JSON.stringify(results, null, 2));
