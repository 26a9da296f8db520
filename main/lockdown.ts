/**
 * Navigation, window and permission lock-down for every web contents and session,
 * kept free of Electron runtime imports so a unit test can drive it with real
 * event emitters (tests/unit/security-lockdown.test.ts).
 */

/** The part of an Electron event these handlers use. */
export interface PreventableEvent {
  preventDefault(): void;
}

/** The navigation events a renderer could use to leave our page, or to host foreign content. */
export const BLOCKED_CONTENTS_EVENTS = [
  'will-navigate',
  'will-frame-navigate',
  'will-redirect',
  'will-attach-webview',
] as const;

export type BlockedContentsEvent = (typeof BLOCKED_CONTENTS_EVENTS)[number];

/** The part of Electron's WebContents that lockDownContents needs. */
export interface LockableContents {
  on(event: BlockedContentsEvent, listener: (event: PreventableEvent, ...rest: unknown[]) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
}

/** The part of Electron's Session that lockDownSession needs. */
export interface LockableSession {
  setPermissionRequestHandler(
    handler: (contents: unknown, permission: string, callback: (granted: boolean) => void) => void,
  ): void;
  setPermissionCheckHandler(handler: (contents: unknown, permission: string) => boolean): void;
  setDevicePermissionHandler(handler: (details: unknown) => boolean): void;
  setDisplayMediaRequestHandler(
    handler: (request: unknown, callback: (streams: object | null) => void) => void,
  ): void;
}

export type SecurityLog = (message: string) => void;

/** Shortens a URL for a log line: no query (it could hold a token), at most 200 characters. */
export function urlForLog(url: unknown): string {
  if (typeof url !== 'string') return '(no url)';
  const cut = url.split(/[?#]/, 1)[0] ?? '';
  return cut.length > 200 ? `${cut.slice(0, 200)}…` : cut;
}

/**
 * Our page never navigates, opens windows or hosts a <webview>: every attempt is refused
 * (and logged). The renderer is a single page; links to the outside world are not offered.
 */
export function lockDownContents(contents: LockableContents, log: SecurityLog = () => undefined): void {
  for (const name of BLOCKED_CONTENTS_EVENTS) {
    contents.on(name, (event, ...rest) => {
      event.preventDefault();
      const url = (event as { url?: unknown }).url ?? rest.find((r) => typeof r === 'string');
      log(`refused ${name} to ${urlForLog(url)}`);
    });
  }
  contents.setWindowOpenHandler(({ url }) => {
    log(`refused window.open of ${urlForLog(url)}`);
    return { action: 'deny' };
  });
}

/** Every permission request and check is denied: the app needs no camera, notifications, USB, screen… */
export function lockDownSession(session: LockableSession, log: SecurityLog = () => undefined): void {
  session.setPermissionRequestHandler((_contents, permission, callback) => {
    log(`denied permission request: ${String(permission)}`);
    callback(false);
  });
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
  session.setDisplayMediaRequestHandler((_request, callback) => {
    log('denied a screen-capture request');
    callback(null);
  });
}
