/**
 * The renderer's host of core's CPU pool: one module Web Worker per core beyond the page's
 * (CSP `worker-src 'self'`: Vite emits the worker as a file of our own origin). Where
 * workers are missing (unit tests in Node), the CPU backend runs on one thread.
 */
import type { BandPort, BandResult, CpuPool } from '../../../core/cpu/pool';
import { createCpuPool, workersFor } from '../../../core/cpu/pool';

/** The part of a DOM Worker we use (typed here: this file is also checked without the DOM lib). */
interface PageWorker {
  postMessage(message: unknown, transfer: ArrayBuffer[]): void;
  addEventListener(
    type: 'message' | 'error',
    listener: (e: { data?: unknown; message?: string }) => void,
  ): void;
  terminate(): void;
}
type PageWorkerConstructor = new (url: URL, options: { type: 'module'; name: string }) => PageWorker;

function webPort(worker: PageWorker): BandPort {
  return {
    post: (task, transfer) => worker.postMessage(task, transfer),
    onResult(listener) {
      worker.addEventListener('message', (e) => listener(e.data as BandResult));
      worker.addEventListener('error', (e) => listener({ id: -1, error: e.message || 'CPU worker failed' }));
    },
    terminate: () => worker.terminate(),
  };
}

export function createWebCpuPool(): CpuPool | null {
  const Worker = (globalThis as { Worker?: PageWorkerConstructor }).Worker;
  const workers = workersFor(globalThis.navigator?.hardwareConcurrency ?? 1);
  if (!Worker || workers === 0) return null;
  return createCpuPool(
    Array.from({ length: workers }, () =>
      webPort(new Worker(new URL('./cpu-worker.ts', import.meta.url), { type: 'module', name: 'cpu-pool' })),
    ),
  );
}
