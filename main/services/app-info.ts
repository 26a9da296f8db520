import type { AppInfo } from '../../ipc/contract';
import { version } from '../../package.json';

/** Version facts for the About dialog, as seen from plain Node (browser mode). */
export function browserAppInfo(): AppInfo {
  return {
    name: 'Kernel Studio',
    version,
    runtime: 'browser',
    platform: process.platform,
    electronVersion: '',
    chromeVersion: '',
    nodeVersion: process.versions.node,
  };
}
