/**
 * Write limits count UTF-8 bytes, like the read limits: what the app accepts to write it can read
 * back. Through the real handlers (the one entry point both hosts use) and real files.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_WORKSPACE_BYTES } from '#core/workspace/model';
import { INVOKE_CHANNELS } from '../../ipc/contract';
import { browserAppInfo } from '../../main/services/app-info';
import { MainHandlers } from '../../main/services/handlers';

const dataDir = mkdtempSync(join(tmpdir(), 'ks-limits-'));
const handlers = new MainHandlers({
  appInfo: browserAppInfo(),
  dataDir,
  dialogs: { pickOpenPath: async () => null, pickSavePath: async () => join(dataDir, 'saved.kstudio') },
  broadcast: () => undefined,
});
afterAll(async () => {
  await handlers.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('text write limits count bytes', () => {
  it('refuses 30 Mi "€" (90 MiB of UTF-8, under the limit in characters) for the autosave and Save As', async () => {
    const euros = '€'.repeat(30 * 1024 * 1024);
    expect(euros.length).toBeLessThan(MAX_WORKSPACE_BYTES);
    for (const [channel, args] of [
      [INVOKE_CHANNELS.writeBackup, [euros, 'session-a']],
      [INVOKE_CHANNELS.saveText, [{ kind: 'workspace', suggestedName: 'e.kstudio', text: euros }]],
    ] as const) {
      const result = await handlers.dispatch(channel, args);
      expect(result).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
      if (!result.ok) expect(result.error.message).toMatch(/bytes of UTF-8/);
    }
  }, 60_000);

  it('accepts text just under the limit in bytes, and reads it back', async () => {
    const text = '€'.repeat(Math.floor(MAX_WORKSPACE_BYTES / 3));
    expect(await handlers.dispatch(INVOKE_CHANNELS.writeBackup, [text, 'session-a'])).toEqual({
      ok: true,
      value: undefined,
    });
    expect(statSync(join(dataDir, 'autosave', 'session-a.kstudio')).size).toBeLessThanOrEqual(
      MAX_WORKSPACE_BYTES,
    );
    // Another session is offered the backup session-a left.
    const read = await handlers.dispatch(INVOKE_CHANNELS.readBackup, ['session-b']);
    expect(read.ok && (read.value as { text: string } | null)?.text === text).toBe(true);
  }, 60_000);
});
