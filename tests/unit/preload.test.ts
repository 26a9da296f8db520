import { beforeEach, describe, expect, it, vi } from 'vitest';
import { API_METHODS, EVENT_CHANNELS, INVOKE_CHANNELS, type KernelStudioApi } from '../../ipc/contract';

/**
 * The preload runs against a recording stand-in for Electron's two modules, so
 * this test sees exactly what it hands to contextBridge, without an Electron binary.
 */
const exposed = new Map<string, unknown>();
const invoked: Array<[string, unknown[]]> = [];
const listeners = new Map<string, Array<(...args: unknown[]) => void>>();
const ipcRenderer = {
  invoke: vi.fn(async (channel: string, ...args: unknown[]) => {
    invoked.push([channel, args]);
    return { ok: true, value: null };
  }),
  on: vi.fn((channel: string, listener: (...args: unknown[]) => void) => {
    listeners.set(channel, [...(listeners.get(channel) ?? []), listener]);
  }),
  removeListener: vi.fn((channel: string, listener: (...args: unknown[]) => void) => {
    listeners.set(
      channel,
      (listeners.get(channel) ?? []).filter((l) => l !== listener),
    );
  }),
  send: vi.fn(),
  sendSync: vi.fn(),
};

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, value: unknown) => exposed.set(key, value) },
  ipcRenderer,
}));

describe('preload', () => {
  beforeEach(async () => {
    exposed.clear();
    vi.resetModules();
    await import('../../preload/index');
  });

  it('exposes exactly the contract methods under window.api, and nothing else', () => {
    expect([...exposed.keys()]).toEqual(['api']);
    const api = exposed.get('api') as Record<string, unknown>;
    expect(Object.keys(api).sort()).toEqual([...API_METHODS].sort());
    for (const value of Object.values(api)) {
      expect(typeof value).toBe('function');
      expect(value).not.toBe(ipcRenderer);
    }
  });

  it('sends each method on its own channel', async () => {
    const api = exposed.get('api') as KernelStudioApi;
    invoked.length = 0;
    await api.getAppInfo();
    await api.readLoss('run-1');
    await api.openWorkspace();
    await api.openWorkspace({ path: '/tmp/a.kstudio' });
    const bytes = new Uint8Array([1, 2]);
    await api.saveBytes({ kind: 'kernel', suggestedName: 'k.npy', bytes });
    await api.openBytes('kernel');
    await api.getRecent();
    await api.writeBackup('{}', 's-1');
    await api.readBackup('s-1');
    await api.clearBackup('s-0');
    await api.setDirty({ dirty: true, name: 'a' });
    expect(invoked).toEqual([
      [INVOKE_CHANNELS.getAppInfo, []],
      [INVOKE_CHANNELS.readLoss, ['run-1']],
      [INVOKE_CHANNELS.openWorkspace, []],
      [INVOKE_CHANNELS.openWorkspace, [{ path: '/tmp/a.kstudio' }]],
      [INVOKE_CHANNELS.saveBytes, [{ kind: 'kernel', suggestedName: 'k.npy', bytes }]],
      [INVOKE_CHANNELS.openBytes, ['kernel']],
      [INVOKE_CHANNELS.getRecent, []],
      [INVOKE_CHANNELS.writeBackup, ['{}', 's-1']],
      [INVOKE_CHANNELS.readBackup, ['s-1']],
      [INVOKE_CHANNELS.clearBackup, ['s-0']],
      [INVOKE_CHANNELS.setDirty, [{ dirty: true, name: 'a' }]],
    ]);
    // Every invoke channel is distinct.
    expect(new Set(Object.values(INVOKE_CHANNELS)).size).toBe(Object.keys(INVOKE_CHANNELS).length);
  });

  it('gives listeners the payload only, never the IPC event, and unsubscribes', () => {
    const api = exposed.get('api') as KernelStudioApi;
    const received: unknown[][] = [];
    const off = api.onLossPoints((...args: unknown[]) => received.push(args));
    const fakeEvent = { sender: ipcRenderer, senderId: 0 };
    for (const l of listeners.get(EVENT_CHANNELS.onLossPoints) ?? [])
      l(fakeEvent, { runId: 'r', points: [] });
    expect(received).toEqual([[{ runId: 'r', points: [] }]]);
    off();
    expect(listeners.get(EVENT_CHANNELS.onLossPoints)).toEqual([]);
    const paths: unknown[][] = [];
    const offOpen = api.onOpenRequest((...args: unknown[]) => paths.push(args));
    for (const l of listeners.get(EVENT_CHANNELS.onOpenRequest) ?? []) l(fakeEvent, '/tmp/a.kstudio');
    expect(paths).toEqual([['/tmp/a.kstudio']]);
    offOpen();
  });

  it('answers with the envelope main sent, never the event, ipcRenderer or one of its methods', async () => {
    const api = exposed.get('api') as Record<string, (...args: unknown[]) => unknown>;
    const envelope = { ok: true, value: null };
    ipcRenderer.invoke.mockImplementation(async () => envelope);
    const electronParts = new Set<unknown>([ipcRenderer, ...Object.values(ipcRenderer)]);
    for (const method of Object.keys(INVOKE_CHANNELS)) {
      const returned = await api[method]!({
        kind: 'kernel',
        suggestedName: 'k',
        text: '',
        bytes: new Uint8Array(),
      });
      expect(returned, method).toBe(envelope);
    }
    for (const method of Object.keys(EVENT_CHANNELS)) {
      const off = api[method]!(() => undefined);
      expect(typeof off, method).toBe('function');
      expect(electronParts.has(off), method).toBe(false);
      expect((off as () => unknown)(), method).toBeUndefined();
    }
  });
});
