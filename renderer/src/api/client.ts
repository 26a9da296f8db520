import type {
  InvokeArgs,
  InvokeMethod,
  InvokeValue,
  IpcErrorCode,
  KernelStudioApi,
} from '../../../ipc/contract';
import { createBrowserApi } from './browser-api';

/** A failed main-process call, with the typed code main sent. */
export class ApiError extends Error {
  constructor(
    readonly code: IpcErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

let api: KernelStudioApi | undefined;

/** The preload's `window.api` in Electron, else the browser-mode shim. */
export function getApi(): KernelStudioApi {
  api ??= window.api ?? createBrowserApi();
  return api;
}

/** Calls main and unwraps the envelope: resolves with the value or throws an ApiError. */
export async function call<M extends InvokeMethod>(
  method: M,
  ...args: InvokeArgs<M>
): Promise<InvokeValue<M>> {
  const fn = getApi()[method] as (...a: InvokeArgs<M>) => ReturnType<KernelStudioApi[M]>;
  const result = await fn(...args);
  if (!result.ok) throw new ApiError(result.error.code, result.error.message);
  return result.value as InvokeValue<M>;
}
