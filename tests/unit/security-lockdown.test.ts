import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { INVOKE_CHANNELS, type IpcResult } from '../../ipc/contract';
import { guardedInvoke, REFUSED_SENDER, type InvokeEventLike } from '../../main/ipc-guard';
import {
  BLOCKED_CONTENTS_EVENTS,
  lockDownContents,
  lockDownSession,
  type LockableContents,
  type LockableSession,
} from '../../main/lockdown';

/**
 * Electron's WebContents is a Node EventEmitter; this one is a real emitter with the one
 * extra method the lock-down calls, so the handlers run exactly as Electron would run them.
 */
class Contents extends EventEmitter implements LockableContents {
  openHandler: ((details: { url: string }) => { action: 'deny' }) | null = null;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void {
    this.openHandler = handler;
  }
}

/** An Electron-style event: `defaultPrevented` is what Electron reads after the listeners ran. */
function electronEvent(url: string): { url: string; defaultPrevented: boolean; preventDefault(): void } {
  return {
    url,
    defaultPrevented: false,
    preventDefault() {
      this.defaultPrevented = true;
    },
  };
}

describe('navigation and window lock-down', () => {
  it('prevents every navigation, redirect and <webview>, and logs without the query', () => {
    const contents = new Contents();
    const log: string[] = [];
    lockDownContents(contents, (m) => log.push(m));
    for (const name of BLOCKED_CONTENTS_EVENTS) {
      const event = electronEvent('https://evil.example/steal?token=secret');
      contents.emit(name, event, event.url);
      expect(event.defaultPrevented, name).toBe(true);
    }
    expect(BLOCKED_CONTENTS_EVENTS).toEqual(
      expect.arrayContaining(['will-navigate', 'will-frame-navigate', 'will-attach-webview']),
    );
    expect(log).toHaveLength(BLOCKED_CONTENTS_EVENTS.length);
    expect(log.join('\n')).toContain('https://evil.example/steal');
    expect(log.join('\n')).not.toContain('secret');
  });

  it('denies window.open for any URL', () => {
    const contents = new Contents();
    lockDownContents(contents);
    for (const url of ['https://example.com', 'app://kernel-studio/index.html', 'file:///etc/passwd', ''])
      expect(contents.openHandler!({ url })).toEqual({ action: 'deny' });
  });
});

describe('permission lock-down', () => {
  const permissions = [
    'media',
    'geolocation',
    'notifications',
    'clipboard-read',
    'hid',
    'serial',
    'usb',
    'fullscreen',
  ];

  function lockedSession(): Required<{
    [K in keyof LockableSession]: Parameters<LockableSession[K]>[0] | null;
  }> {
    const handlers = {
      setPermissionRequestHandler: null,
      setPermissionCheckHandler: null,
      setDevicePermissionHandler: null,
      setDisplayMediaRequestHandler: null,
    } as Record<keyof LockableSession, unknown>;
    const session = Object.fromEntries(
      Object.keys(handlers).map((name) => [
        name,
        (h: unknown) => (handlers[name as keyof LockableSession] = h),
      ]),
    ) as unknown as LockableSession;
    lockDownSession(session);
    return handlers as never;
  }

  it('denies every permission request and check, devices and screen capture', () => {
    const h = lockedSession();
    for (const permission of permissions) {
      const answers: boolean[] = [];
      h.setPermissionRequestHandler!({}, permission, (granted) => answers.push(granted));
      expect(answers, permission).toEqual([false]);
      expect(h.setPermissionCheckHandler!({}, permission), permission).toBe(false);
    }
    expect(h.setDevicePermissionHandler!({ deviceType: 'usb', origin: 'app://kernel-studio' })).toBe(false);
    const streams: Array<object | null> = [];
    h.setDisplayMediaRequestHandler!({}, (s) => streams.push(s));
    expect(streams).toEqual([null]);
  });
});

describe('IPC sender validation', () => {
  const mainFrame = { url: 'app://kernel-studio/index.html' };
  const ok: IpcResult<unknown> = { ok: true, value: 'ran' };

  async function invoke(event: InvokeEventLike): Promise<{ result: IpcResult<unknown>; ran: boolean }> {
    let ran = false;
    const result = await guardedInvoke(event, async () => {
      ran = true;
      return ok;
    });
    return { result, ran };
  }

  it('runs the handler for our top frame on app://kernel-studio', async () => {
    expect(await invoke({ senderFrame: mainFrame, sender: { mainFrame } })).toEqual({
      result: ok,
      ran: true,
    });
  });

  it.each([
    ['a subframe on our origin', { url: 'app://kernel-studio/frame.html' }, false],
    ['another origin in the top frame', { url: 'https://evil.example/' }, true],
    ['another app:// host', { url: 'app://other/index.html' }, true],
    ['a file:// page', { url: 'file:///tmp/x.html' }, true],
    ['a frame already gone', null, true],
  ] as const)('refuses %s, without running the handler', async (_name, frame, isTop) => {
    const event: InvokeEventLike = { senderFrame: frame, sender: { mainFrame: isTop ? frame : mainFrame } };
    expect(await invoke(event)).toEqual({ result: REFUSED_SENDER, ran: false });
  });

  it('refuses when reading the frame throws (destroyed mid-call)', async () => {
    const event = {
      get senderFrame(): never {
        throw new Error('Render frame was disposed before WebFrameMain could be accessed');
      },
      sender: { mainFrame },
    };
    expect(await invoke(event)).toEqual({ result: REFUSED_SENDER, ran: false });
  });

  it('main/index.ts routes every invoke channel through the guard', async () => {
    const { readFileSync } = await import('node:fs');
    const source = readFileSync('main/index.ts', 'utf8');
    expect(source).toMatch(
      /for \(const channel of Object\.values\(INVOKE_CHANNELS\)\)\s*ipcMain\.handle\(channel,[^;]*guardedInvoke\(event, \(\) => handlers\.dispatch\(channel, args\)\)/s,
    );
    expect(source.match(/ipcMain\.(handle|on)\(/g)).toHaveLength(1);
    expect(Object.keys(INVOKE_CHANNELS).length).toBeGreaterThan(0);
  });
});
