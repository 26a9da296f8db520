import type { AppInfo } from '../../ipc/contract';

/** What the main-process handlers report about the app in unit tests (browser runtime, this Node). */
export const testAppInfo: AppInfo = {
  name: 'Kernel Studio',
  version: '0.0.0-test',
  runtime: 'browser',
  platform: 'linux',
  electronVersion: '',
  chromeVersion: '',
  nodeVersion: process.versions.node,
};
