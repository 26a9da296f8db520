/**
 * Browser mode's event socket speaks RFC 6455 as a server must: raw frames, written byte by byte,
 * against the real server on loopback (the protocol is the `ws` package's, behind our checks).
 */
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALOG_REPLY_EVENT, EVENTS_PATH, PAGE_HELLO_EVENT } from '../../ipc/contract';
import type { BrowserServer } from '../../main/browser/server';
import { MAX_PAGE_MESSAGE_BYTES } from '../../main/browser/websocket';
import {
  closeCode,
  encodeFrame,
  FrameReader,
  OPCODE,
  upgrade,
  type Frame,
} from '../helpers/websocket-frames';
import { startTempBrowserServer, type TempBrowserServer } from '../helpers/browser-server';

describe('browser-mode event socket (RFC 6455)', () => {
  let temp: TempBrowserServer;
  let server: BrowserServer;
  let headers: Record<string, string>;

  beforeAll(async () => {
    temp = await startTempBrowserServer('ks-ws-');
    server = temp.server;
    headers = {
      Cookie: `ks_token_${server.port}=${server.token}`,
      Origin: `http://127.0.0.1:${server.port}`,
    };
  });
  afterAll(() => temp.close());

  /** A page's socket, past its hello: every frame the server sends is kept, and when it ended. */
  async function open(): Promise<{ socket: Socket; frames: Frame[]; ended: () => boolean }> {
    const socket = await upgrade(server.port, EVENTS_PATH, headers);
    const frames: Frame[] = [];
    const reader = new FrameReader();
    let ended = false;
    socket.on('data', (chunk: Buffer) => frames.push(...reader.push(chunk)));
    socket.on('close', () => (ended = true));
    socket.on('error', () => undefined);
    await expect.poll(() => frames.length, { timeout: 10_000 }).toBeGreaterThan(0);
    expect(JSON.parse(frames[0]!.payload.toString())).toMatchObject({ event: PAGE_HELLO_EVENT });
    frames.length = 0;
    return { socket, frames, ended: () => ended };
  }

  /** The status code of the server's close frame, once the connection has ended. */
  async function closedWith(page: Awaited<ReturnType<typeof open>>): Promise<number> {
    await expect.poll(page.ended, { timeout: 10_000 }).toBe(true);
    const close = page.frames.find((f) => f.opcode === OPCODE.close);
    return close ? closeCode(close) : -1;
  }

  it('closes with 1002 on a control frame over 125 bytes, a malformed close or an unmasked frame', async () => {
    for (const frame of [
      encodeFrame(OPCODE.ping, Buffer.alloc(126)),
      encodeFrame(OPCODE.close, Buffer.from([0x03])),
      encodeFrame(OPCODE.close, Buffer.from([0x03, 0xe7])), // 999: not a valid close code
      encodeFrame(OPCODE.ping, Buffer.alloc(4), { fin: false }), // a fragmented control frame
      encodeFrame(OPCODE.text, Buffer.from('{}'), { masked: false }),
    ]) {
      const page = await open();
      page.socket.write(frame);
      expect(await closedWith(page), frame.subarray(0, 2).toString('hex')).toBe(1002);
    }
  });

  it('closes with 1007 on a text message that is not UTF-8', async () => {
    const page = await open();
    page.socket.write(encodeFrame(OPCODE.text, Buffer.from([0x7b, 0xff, 0xfe, 0x7d])));
    expect(await closedWith(page)).toBe(1007);
  });

  it('closes with 1009 on a message over the limit, 1003 on a binary one', async () => {
    const big = await open();
    big.socket.write(encodeFrame(OPCODE.text, Buffer.alloc(MAX_PAGE_MESSAGE_BYTES + 1, 0x20)));
    expect(await closedWith(big)).toBe(1009);
    const binary = await open();
    binary.socket.write(encodeFrame(OPCODE.binary, Buffer.from([1, 2, 3])));
    expect(await closedWith(binary)).toBe(1003);
  });

  it('answers a close with the same code and ends the connection', async () => {
    const page = await open();
    page.socket.write(encodeFrame(OPCODE.close, Buffer.from([0x0f, 0xa0]))); // 4000, an application code
    expect(await closedWith(page)).toBe(4000);
  });

  it('accepts a fragmented message, with a ping between its fragments', async () => {
    const page = await open();
    const text = Buffer.from(JSON.stringify({ id: 'no-such-dialog', path: null }));
    page.socket.write(
      Buffer.concat([
        encodeFrame(OPCODE.text, text.subarray(0, 5), { fin: false }),
        encodeFrame(OPCODE.continuation, text.subarray(5, 12), { fin: false }),
        encodeFrame(OPCODE.ping, Buffer.from('mid')),
        encodeFrame(OPCODE.continuation, text.subarray(12)),
      ]),
    );
    // The whole message reached the page's handler: it answers the (unknown) dialog by its id.
    await expect.poll(() => page.frames.length, { timeout: 10_000 }).toBe(2);
    expect(page.frames[0]).toEqual({ opcode: OPCODE.pong, payload: Buffer.from('mid') });
    expect(JSON.parse(page.frames[1]!.payload.toString())).toMatchObject({
      event: DIALOG_REPLY_EVENT,
      data: { id: 'no-such-dialog', ok: false, error: { code: 'forbidden' } },
    });
    expect(page.ended()).toBe(false);
    page.socket.destroy();
  });

  it('answers 426 with the version it speaks to a handshake for another version', async () => {
    for (const version of ['8', '12', '14']) {
      const refused = await upgrade(server.port, EVENTS_PATH, {
        ...headers,
        'Sec-WebSocket-Version': version,
      }).catch((e: Error & { headers: Record<string, string> }) => e);
      expect(refused).toBeInstanceOf(Error);
      expect((refused as Error).message).toMatch(/^426 /);
      expect((refused as unknown as { headers: Record<string, string> }).headers).toMatchObject({
        'sec-websocket-version': '13',
      });
    }
  });

  it('answers 400 to a handshake without a valid key, after the token and origin checks', async () => {
    const bad = await upgrade(server.port, EVENTS_PATH, { ...headers, 'Sec-WebSocket-Key': 'short' }).catch(
      (e: Error) => e.message,
    );
    expect(bad).toMatch(/^400 /);
    const noToken = await upgrade(server.port, EVENTS_PATH, {
      Origin: headers.Origin!,
      'Sec-WebSocket-Version': '8',
    }).catch((e: Error) => e.message);
    expect(noToken).toMatch(/^401 /);
  });
});
