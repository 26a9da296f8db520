/** A browser-mode server for one test file: real handlers, an empty renderer, its own temp folder. */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBrowserServer, type BrowserServer, type BrowserServerOptions } from '../../main/browser/server';
import { browserAppInfo } from '../../main/services/app-info';

export interface TempBrowserServer {
  readonly server: BrowserServer;
  /** Stops the server and removes its folder. */
  close(): Promise<void>;
}

/** `more` sets options beyond the folders and app info (e.g. `firstRequestMs`). */
export async function startTempBrowserServer(
  prefix: string,
  more: Partial<BrowserServerOptions> = {},
): Promise<TempBrowserServer> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  mkdirSync(join(dir, 'renderer'));
  const server = await startBrowserServer({
    rendererDir: join(dir, 'renderer'),
    dataDir: join(dir, 'data'),
    appInfo: browserAppInfo(),
    homeDir: dir,
    ...more,
  });
  return {
    server,
    async close() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
