import { app, BrowserWindow, dialog, ipcMain, Menu, screen, session } from 'electron';
import { join, resolve } from 'node:path';
import {
  chartViewQuery,
  EVENT_CHANNELS,
  INVOKE_CHANNELS,
  MAIN_EVENT_CHANNELS,
  type AppInfo,
  type FileKind,
  type MainEvents,
  type RecentFile,
} from '../ipc/contract';
import { IMPORT_KINDS } from '#core/formats/kinds';
import { WORKSPACE_EXTENSION } from '#core/workspace/model';
import { guardedInvoke } from './ipc-guard';
import { lockDownContents, lockDownSession } from './lockdown';
import { buildMenu } from './menu';
import { registerAppScheme, serveRenderer } from './protocol';
import { workspacePaths } from './services/argv';
import { CrashPolicy, describeGone, MainLog } from './services/crash-policy';
import { MainHandlers } from './services/handlers';
import { keepRunningOnUnhandledRejection } from './services/unhandled';
import { restoreBounds, WindowStateStore } from './services/window-state';
import { APP_URL, secureWindowOptions, webGpuSwitches } from './window-options';

/**
 * Electron glue, kept thin: window, protocol, menu, dialogs and IPC wiring.
 * Everything testable lives in services/ and runs in browser mode too.
 */
// Electron's main only warns on an unhandled rejection (Node would exit): log it to the main log too.
keepRunningOnUnhandledRejection((line) => {
  console.error(line);
  log?.write(line);
});
for (const [name, value] of webGpuSwitches(process.platform)) app.commandLine.appendSwitch(name, value);
app.enableSandbox();
registerAppScheme();

const FILTERS: Record<FileKind, Electron.FileFilter[]> = {
  workspace: [{ name: 'Kernel Studio workspace', extensions: [WORKSPACE_EXTENSION] }],
  kernel: [{ name: 'Kernel', extensions: [...IMPORT_KINDS.kernel] }],
  image: [{ name: 'Image', extensions: ['png'] }],
  chart: [{ name: 'Chart', extensions: ['png', 'svg', 'csv'] }],
};

let mainWindow: BrowserWindow | null = null;
let handlers: MainHandlers | null = null;
/** Workspaces to open once the renderer is listening (command line, macOS open-file before ready). */
const pendingOpens: string[] = [];
let rendererReady = false;

/** `.kstudio` paths among command-line arguments (file association on Windows/Linux passes them here). */
const workspaceArgs = (argv: readonly string[]): string[] => workspacePaths(argv, app.isPackaged);

function requestOpen(path: string): void {
  if (handlers && rendererReady) handlers.offerOpen(path);
  else pendingOpens.push(path);
}

// macOS: double-clicked or dropped on the Dock icon; may arrive before 'ready'.
app.on('open-file', (event, path) => {
  event.preventDefault();
  requestOpen(path);
});

// One instance: a second launch (e.g. double-clicking another .kstudio) hands its files to this one.
if (!app.requestSingleInstanceLock()) app.quit();
app.on('second-instance', (_event, argv) => {
  for (const path of workspaceArgs(argv)) requestOpen(path);
  if (mainWindow?.isMinimized()) mainWindow.restore();
  mainWindow?.focus();
});

function appInfo(): AppInfo {
  return {
    name: 'Kernel Studio',
    version: app.getVersion(),
    runtime: 'electron',
    platform: process.platform,
    electronVersion: process.versions.electron,
    chromeVersion: process.versions.chrome,
    nodeVersion: process.versions.node,
  };
}

function broadcast<E extends keyof MainEvents>(event: E, payload: MainEvents[E]): void {
  const channel = MAIN_EVENT_CHANNELS[event];
  for (const window of BrowserWindow.getAllWindows()) window.webContents.send(channel, payload);
}

function createHandlers(): MainHandlers {
  return new MainHandlers({
    appInfo: appInfo(),
    dataDir: app.getPath('userData'),
    broadcast,
    recentChanged: (files) => {
      for (const file of files.slice(0, 1)) app.addRecentDocument(file.path);
      installMenu(files);
    },
    dirtyChanged: (state) => mainWindow?.setDocumentEdited(state.dirty),
    openChartWindow,
    dialogs: {
      async pickOpenPath(kind) {
        const options = { properties: ['openFile' as const], filters: FILTERS[kind] };
        const result = mainWindow
          ? await dialog.showOpenDialog(mainWindow, options)
          : await dialog.showOpenDialog(options);
        return result.canceled ? null : (result.filePaths[0] ?? null);
      },
      async pickSavePath(kind, suggestedName) {
        const options = { defaultPath: suggestedName, filters: FILTERS[kind] };
        const result = mainWindow
          ? await dialog.showSaveDialog(mainWindow, options)
          : await dialog.showSaveDialog(options);
        return result.canceled ? null : (result.filePath ?? null);
      },
    },
  });
}

function wireIpc(handlers: MainHandlers): void {
  // Sender first (our top frame on app://kernel-studio), then the channel's schema inside dispatch.
  for (const channel of Object.values(INVOKE_CHANNELS))
    ipcMain.handle(channel, (event, ...args: unknown[]) =>
      guardedInvoke(event, () => handlers.dispatch(channel, args)),
    );
}

function installMenu(recent: readonly RecentFile[]): void {
  Menu.setApplicationMenu(
    buildMenu(
      (command) => mainWindow?.webContents.send(EVENT_CHANNELS.onMenuCommand, command),
      process.platform === 'darwin',
      recent,
      (path) => requestOpen(path),
      app.isPackaged,
    ),
  );
}

function lockDownSessions(): void {
  const logSecurity = (message: string): void => log?.write(`security: ${message}`);
  lockDownSession(session.defaultSession, logSecurity);
  app.on('web-contents-created', (_event, contents) => lockDownContents(contents, logSecurity));
}

let log: MainLog | null = null;
const crashPolicy = new CrashPolicy();

let chartWindow: BrowserWindow | null = null;

/**
 * The pop-out loss chart (View menu or the Train tab): the same renderer at
 * `?view=chart`, with the same locked-down options and preload. It hears the
 * loss broadcast like every window, and closes with the main window.
 */
function openChartWindow(documentId: string): void {
  if (chartWindow && !chartWindow.isDestroyed()) {
    chartWindow.focus();
    return;
  }
  const options = secureWindowOptions(join(import.meta.dirname, '../preload/index.cjs'));
  const window = new BrowserWindow({
    ...options,
    width: 780,
    height: 560,
    minWidth: 420,
    minHeight: 320,
    title: 'Loss chart — Kernel Studio',
  });
  chartWindow = window;
  window.once('ready-to-show', () => window.show());
  window.on('closed', () => {
    if (chartWindow === window) chartWindow = null;
  });
  mainWindow?.once('closed', () => {
    if (!window.isDestroyed()) window.close();
  });
  void window.loadURL(`${APP_URL}?${chartViewQuery(documentId)}`);
}

function createMainWindow(): BrowserWindow {
  const options = secureWindowOptions(join(import.meta.dirname, '../preload/index.cjs'));
  const windowState = new WindowStateStore(app.getPath('userData'));
  const saved = windowState.load();
  const bounds = restoreBounds(
    saved,
    screen.getAllDisplays().map((display) => display.workArea),
    {
      width: options.width!,
      height: options.height!,
      minWidth: options.minWidth!,
      minHeight: options.minHeight!,
    },
  );
  const window = new BrowserWindow({ ...options, ...bounds });
  if (saved?.maximized) window.maximize();
  window.once('ready-to-show', () => window.show());
  window.webContents.on('did-finish-load', () => {
    rendererReady = true;
    for (const path of pendingOpens.splice(0)) handlers?.offerOpen(path);
  });
  // A crashed renderer is logged and reloaded; the page restores its autosaved workspace.
  window.webContents.on('render-process-gone', (_event, details) => {
    rendererReady = false;
    log?.write(describeGone('renderer', details));
    if (!window.isDestroyed() && crashPolicy.shouldReload(details))
      void window.loadURL(`${APP_URL}?recovered=1`);
  });
  // Unsaved changes: the renderer reports them (setDirty); ask before the window goes.
  window.on('close', (event) => {
    try {
      windowState.save({ bounds: window.getNormalBounds(), maximized: window.isMaximized() });
    } catch (error) {
      log?.write(
        `could not save the window state: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    const dirty = handlers?.dirty;
    if (!dirty?.dirty) return;
    const choice = dialog.showMessageBoxSync(window, {
      type: 'warning',
      buttons: ['Discard Changes', 'Cancel'],
      defaultId: 1,
      cancelId: 1,
      message: `${dirty.name || 'This workspace'} has unsaved changes.`,
      detail: 'Close anyway and lose them? (An autosaved copy stays in the data folder until you save.)',
    });
    if (choice === 1) event.preventDefault();
  });
  window.on('closed', () => {
    if (mainWindow === window) mainWindow = null;
  });
  void window.loadURL(APP_URL);
  return window;
}

// GPU, utility and other helper processes: logged (the renderer handles a lost GPU device itself).
app.on('child-process-gone', (_event, details) => log?.write(describeGone('child', details)));

app.whenReady().then(() => {
  log = new MainLog(app.getPath('userData'));
  lockDownSessions();
  serveRenderer(resolve(import.meta.dirname, '../renderer'));
  const created = createHandlers();
  handlers = created;
  wireIpc(created);
  installMenu([]);
  void created.recent.list().then(installMenu);
  pendingOpens.push(...workspaceArgs(process.argv));
  mainWindow = createMainWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) mainWindow = createMainWindow();
  });
  app.on('before-quit', () => void created.close());
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
