import { join, resolve } from 'node:path';
import { parseDecimal } from '#core/formats/numbers';
import { describeFsError, makePrivateFolder } from '../../node/files';
import { browserAppInfo } from '../services/app-info';
import { defaultDataDir } from '../services/paths';
import { keepRunningOnUnhandledRejection } from '../services/unhandled';
import { findChromium, launchChromium, writeLaunchPage, type LaunchPage } from './launch';
import { startBrowserServer } from './server';

/** The longest a stop may take before the process exits without waiting for the rest. */
const STOP_MS = 2000;

keepRunningOnUnhandledRejection((line) => console.error(`kernel-studio: ${line}`));

/**
 * `npm run start:browser`: Kernel Studio without Electron. Serves the built
 * renderer and main's handlers on loopback, then opens Chromium in app mode.
 *   --no-open   only serve; print the URL
 *   --port N    listen on port N (default: a free port)
 */
async function main(argv: string[]): Promise<void> {
  const noOpen = argv.includes('--no-open');
  const portIndex = argv.indexOf('--port');
  // The one decimal grammar (core/formats/numbers): `0x50` is refused, not read as port 80.
  const port = portIndex >= 0 ? (parseDecimal(argv[portIndex + 1] ?? '') ?? NaN) : 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error('kernel-studio: --port needs a number from 0 to 65535');
    process.exit(2);
  }
  const dataDir = defaultDataDir();
  // 0700 (and says "read-only", not Node's "ENOENT … mkdir", on a read-only disk); MainHandlers reports a folder it could not tighten.
  try {
    makePrivateFolder(dataDir);
  } catch (error) {
    console.error(`kernel-studio: could not make the data folder ${dataDir}: ${describeFsError(error)}.`);
    process.exit(1);
  }
  const rendererDir = resolve(import.meta.dirname, '../renderer');
  const server = await startBrowserServer({ rendererDir, dataDir, port, appInfo: browserAppInfo() });
  console.log(`Kernel Studio running at ${server.url}`);

  let launchPage: LaunchPage | undefined;
  if (!noOpen) {
    const chromium = findChromium();
    if (chromium) {
      // The token goes through a private file, never on the browser's (public) command line.
      launchPage = writeLaunchPage(server.url);
      launchChromium(chromium, launchPage.url, join(dataDir, 'browser-profile'));
    } else
      console.log(
        'No Chromium or Chrome found: open the address above in one (set CHROME_PATH to pick a browser).',
      );
  }

  // Ctrl-C or SIGTERM stops within a second or two: the server cuts event sockets that do not
  // answer its goodbye in time; past STOP_MS, or at a second signal, the process exits anyway.
  let stopping = false;
  const stop = () => {
    if (stopping) process.exit(0);
    stopping = true;
    launchPage?.dispose();
    setTimeout(() => process.exit(0), STOP_MS).unref();
    void server.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(`kernel-studio: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
