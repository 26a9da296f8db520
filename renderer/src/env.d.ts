/// <reference types="svelte" />
/// <reference types="vite/client" />
import type { KernelStudioApi } from '../../ipc/contract';

declare global {
  interface Window {
    /** Set by the preload in Electron; absent in browser mode, where the shim stands in. */
    api?: KernelStudioApi;
  }
}
