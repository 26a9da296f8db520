/**
 * Workspace text in and out of the renderer: the one way the app parses an opened, dropped or
 * restored `.kstudio` (core's `parseWorkspace`) and writes one for Save or the autosave (core's
 * `serializeWorkspace`). Large work runs in a module Web Worker (`workspace-worker.ts`; CSP
 * `worker-src 'self'`, as for the CPU pool), so a 64 MB workspace never freezes the page, and a
 * parse can be cancelled (the worker is terminated). Small work, and hosts without workers (unit
 * tests in Node), stay on the calling thread: same function, same results, same messages.
 */
import { KernelStudioError, type ErrorCode } from '#core/errors';
import { parseWorkspace, serializeWorkspace, type WorkspaceDocument } from '#core/workspace/index';
import { pageWorkerClass } from '../compute/page-worker';

/**
 * From this many characters of workspace text (or a document estimated to write this many), the
 * work goes to a worker: about 100 ms of parsing or writing on the page's thread, where starting a
 * worker and copying the text costs far less than the freeze it saves.
 */
export const OFF_THREAD_CHARS = 1024 * 1024;

/** The shortest a grid value is written in a file ("0, "): a document's text is at least this per value. */
const MIN_CHARS_PER_VALUE = 3;

/** What the page asks of the workspace worker. */
export type WorkspaceJob =
  | { readonly kind: 'parse'; readonly text: string; readonly name: string }
  | { readonly kind: 'serialize'; readonly doc: WorkspaceDocument; readonly savedBy: string };

/** The worker's answer: the value, or core's error as its code and message (never a stack). */
export type WorkspaceJobResult =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly code: ErrorCode; readonly message: string };

/** Runs a job where it is posted (the worker), errors as data: core throws only KernelStudioError. */
export function runWorkspaceJob(job: WorkspaceJob): WorkspaceJobResult {
  try {
    const value =
      job.kind === 'parse' ? parseWorkspace(job.text, job.name) : serializeWorkspace(job.doc, job.savedBy);
    return { ok: true, value };
  } catch (error) {
    const known = error instanceof KernelStudioError;
    return {
      ok: false,
      code: known ? error.code : 'format',
      message: known ? error.message : error instanceof Error ? error.message : String(error),
    };
  }
}

/** Every typed array's buffer in a value (a parsed document's grids), once each: handed over, not copied. */
export function buffersIn(value: unknown, found = new Set<ArrayBuffer>()): ArrayBuffer[] {
  if (ArrayBuffer.isView(value)) {
    if (value.buffer instanceof ArrayBuffer) found.add(value.buffer);
  } else if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) buffersIn(v, found);
  }
  return [...found];
}

/** A lower bound on the length of the text a document saves as: its values, at their shortest. */
export function estimatedChars(value: unknown): number {
  if (ArrayBuffer.isView(value)) return (value as unknown as ArrayLike<number>).length * MIN_CHARS_PER_VALUE;
  if (typeof value === 'number') return MIN_CHARS_PER_VALUE;
  if (value === null || typeof value !== 'object') return 0;
  let chars = 0;
  for (const v of Object.values(value)) chars += estimatedChars(v);
  return chars;
}

/** The job in a worker of its own (ended when the job ends or is cancelled); null where there are no workers. */
function inWorker(job: WorkspaceJob, failed: string, signal?: AbortSignal): Promise<unknown> | null {
  const Worker = pageWorkerClass();
  if (!Worker) return null;
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./workspace-worker.ts', import.meta.url), {
      type: 'module',
      name: 'workspace',
    });
    const end = (): void => {
      worker.terminate();
      signal?.removeEventListener('abort', cancel);
    };
    const cancel = (): void => {
      end();
      reject(signal?.reason ?? new Error('cancelled'));
    };
    if (signal?.aborted) return cancel();
    signal?.addEventListener('abort', cancel, { once: true });
    worker.addEventListener('message', (e) => {
      end();
      const result = e.data as WorkspaceJobResult;
      if (result.ok) resolve(result.value);
      else reject(new KernelStudioError(result.code, result.message));
    });
    // The worker itself failed (it could not start, or ran out of memory): one readable line.
    worker.addEventListener('error', (e) => {
      end();
      reject(new KernelStudioError('format', `${failed}: ${e.message || 'the worker stopped'}`));
    });
    worker.postMessage(job);
  });
}

/**
 * Parses workspace text (`name` names the file in every message), in a worker when it is large.
 * `signal` cancels it: the promise rejects with the signal's reason and nothing is parsed.
 */
export async function readWorkspaceText(
  text: string,
  name: string,
  signal?: AbortSignal,
): Promise<WorkspaceDocument> {
  signal?.throwIfAborted();
  const off =
    text.length >= OFF_THREAD_CHARS &&
    inWorker({ kind: 'parse', text, name }, `${name} could not be read`, signal);
  return off ? ((await off) as WorkspaceDocument) : parseWorkspace(text, name);
}

/** Writes a document's workspace text, in a worker when it is large (the document is copied there, never changed). */
export async function writeWorkspaceText(doc: WorkspaceDocument, savedBy: string): Promise<string> {
  const off =
    estimatedChars(doc) >= OFF_THREAD_CHARS &&
    inWorker({ kind: 'serialize', doc, savedBy }, 'The workspace could not be written');
  return off ? ((await off) as string) : serializeWorkspace(doc, savedBy);
}
