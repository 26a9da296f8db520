import type { BrowserWindowConstructorOptions } from 'electron';
import { APP_HOST, APP_SCHEME } from './services/app-protocol';

export { APP_HOST, APP_SCHEME };

/**
 * The one place that decides a window's web preferences, kept free of Electron
 * runtime imports so a unit test can check every security setting.
 */
export function secureWindowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 840,
    minWidth: 800,
    minHeight: 560,
    show: false,
    title: 'Kernel Studio',
    backgroundColor: '#1e1e1e',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      safeDialogs: true,
    },
  };
}

/** The origin the renderer is served from; IPC senders must be on it. */
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_URL = `${APP_ORIGIN}/index.html`;

/**
 * Chromium switches for WebGPU, decided once. Linux ships WebGPU behind a flag,
 * so it gets `enable-unsafe-webgpu` and Vulkan; a single `enable-features`, since the last one would win.
 */
export function webGpuSwitches(platform: NodeJS.Platform): Array<[string, string?]> {
  if (platform === 'linux') return [['enable-unsafe-webgpu'], ['enable-features', 'Vulkan']];
  return [];
}

/** Is this IPC sender our own top-level page on our own origin? */
export function isTrustedSender(frameUrl: string | undefined, isTopFrame: boolean): boolean {
  if (!frameUrl || !isTopFrame) return false;
  try {
    const url = new URL(frameUrl);
    return url.protocol === `${APP_SCHEME}:` && url.host === APP_HOST;
  } catch {
    return false;
  }
}
