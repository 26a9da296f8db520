import { homedir } from 'node:os';
import { join } from 'node:path';

/** The app's data folder outside Electron: $KERNEL_STUDIO_DATA_DIR, else the platform's usual place. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.KERNEL_STUDIO_DATA_DIR) return env.KERNEL_STUDIO_DATA_DIR;
  if (platform === 'win32')
    return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Kernel Studio');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Kernel Studio');
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'kernel-studio');
}
