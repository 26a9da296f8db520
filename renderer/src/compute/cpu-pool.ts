/**
 * The renderer's host of core's CPU pool: one module Web Worker per core beyond the page's
 * (CSP `worker-src 'self'`: Vite emits the worker as a file of our own origin). Where
 * workers are missing (unit tests in Node), the CPU backend runs on one thread.
 */
import type { BandPort, BandResult, CpuPool } from '#core/cpu/pool';
import { createCpuPool, workersFor } from '#core/cpu/pool';
import { pageWorkerClass, type PageWorker } from './page-worker';

/** A port whose worker starts on its first task, so a CPU backend that never runs a large pass starts no thread. */
function webPort(spawn: () => PageWorker): BandPort {
  let worker: PageWorker | null = null;
  let listener: (result: BandResult) => void = () => {};
  const started = (): PageWorker => {
    if (worker) return worker;
    const w = spawn();
    w.addEventListener('message', (e) => listener(e.data as BandResult));
    w.addEventListener('error', (e) => listener({ id: -1, error: e.message || 'CPU worker failed' }));
    worker = w;
    return w;
  };
  return {
    post: (task, transfer) => started().postMessage(task, transfer),
    onResult: (l) => void (listener = l),
    terminate() {
      worker?.terminate();
      worker = null;
    },
  };
}

export function createWebCpuPool(): CpuPool | null {
  const Worker = pageWorkerClass();
  const workers = workersFor(globalThis.navigator?.hardwareConcurrency ?? 1);
  if (!Worker || workers === 0) return null;
  return createCpuPool(
    Array.from({ length: workers }, () =>
      webPort(
        () => new Worker(new URL('./cpu-worker.ts', import.meta.url), { type: 'module', name: 'cpu-pool' }),
      ),
    ),
  );
}
