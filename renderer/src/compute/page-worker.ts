/**
 * The page's module Web Workers, as the renderer's hosts of worker code use them (the CPU pool,
 * workspace text): typed here, as this code is also checked without the DOM lib. Callers write
 * `new Worker(new URL('./file.ts', import.meta.url), …)` themselves: that literal form is what
 * lets Vite emit the worker as a file of our own origin (CSP `worker-src 'self'`).
 */

/** The part of a DOM Worker we use. */
export interface PageWorker {
  postMessage(message: unknown, transfer?: ArrayBuffer[]): void;
  addEventListener(
    type: 'message' | 'error',
    listener: (e: { data?: unknown; message?: string }) => void,
  ): void;
  terminate(): void;
}

export type PageWorkerConstructor = new (url: URL, options: { type: 'module'; name: string }) => PageWorker;

/** The page's Worker class, or undefined where there is none (unit tests in Node). */
export function pageWorkerClass(): PageWorkerConstructor | undefined {
  return (globalThis as { Worker?: PageWorkerConstructor }).Worker;
}
