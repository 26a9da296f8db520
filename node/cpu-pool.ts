/**
 * The Node host of core's CPU pool: one worker_threads Worker per core beyond the caller's.
 * Built, the worker is `cpu-worker.js` beside the bundle (cli/vite.config.ts builds both);
 * run from source (Vitest, jiti), it is node/cpu-worker.ts loaded through jiti. Workers start on
 * their first band and are unref'd while idle, so a CLI run exits without disposing the pool.
 */
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { BandPort, BandResult, CpuPool } from '#core/cpu/pool';
import { createCpuPool, workersFor } from '#core/cpu/pool';

function spawn(): Worker {
  const here = fileURLToPath(import.meta.url);
  if (!here.endsWith('.ts')) return new Worker(new URL('./cpu-worker.js', import.meta.url));
  const jiti = createRequire(import.meta.url).resolve('jiti');
  const source = fileURLToPath(new URL('./cpu-worker.ts', import.meta.url));
  return new Worker(
    `require(${JSON.stringify(jiti)}).createJiti(${JSON.stringify(source)}).import(${JSON.stringify(source)})`,
    { eval: true },
  );
}

/** A port whose worker starts on its first task, so small runs never pay for a thread. */
function nodePort(): BandPort {
  let worker: Worker | null = null;
  let listener: (result: BandResult) => void = () => {};
  let busy = 0;
  const started = (): Worker => {
    if (worker) return worker;
    const w = spawn();
    w.on('message', (result: BandResult) => {
      if (--busy === 0) w.unref();
      listener(result);
    });
    w.on('error', (e: Error) => listener({ id: -1, error: e.message }));
    worker = w;
    return w;
  };
  return {
    post(task, transfer) {
      const w = started();
      if (busy++ === 0) w.ref();
      w.postMessage(task, transfer);
    },
    onResult(l) {
      listener = l;
    },
    terminate() {
      void worker?.terminate();
      worker = null;
    },
  };
}

/** A pool with `workers` threads besides the caller's (default: one per other core). */
export function createNodeCpuPool(workers = workersFor(availableParallelism())): CpuPool {
  return createCpuPool(Array.from({ length: workers }, () => nodePort()));
}
