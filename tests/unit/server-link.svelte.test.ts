import { describe, expect, it } from 'vitest';
import { ServerLink } from '../../renderer/src/state/server-link.svelte';

describe('ServerLink', () => {
  it('is lost only once a reconnect failed, and found again when a socket opens', () => {
    const link = new ServerLink();
    expect(link.lost).toBe(false);
    link.opened();
    expect(link.lost).toBe(false);
    link.reconnectFailed();
    expect(link.lost).toBe(true);
    link.reconnectFailed();
    expect(link.lost).toBe(true);
    link.opened();
    expect(link.lost).toBe(false);
  });
});
