import { describe, expect, it } from 'vitest';
import { acceptKey, encodeFrame, FrameError, FrameReader, OPCODE } from '../../main/browser/websocket';

const bytes = (...values: number[]) => Buffer.from(values);

describe('browser-mode WebSocket frames (RFC 6455 examples)', () => {
  it('computes the handshake answer of RFC 6455 section 1.3', () => {
    expect(acceptKey('dGhlIHNhbXBsZSBub25jZQ==')).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
  });

  it('writes the unmasked and masked "Hello" of section 5.7', () => {
    expect(encodeFrame(OPCODE.text, Buffer.from('Hello'))).toEqual(
      bytes(0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f),
    );
    expect(encodeFrame(OPCODE.text, Buffer.from('Hello'), bytes(0x37, 0xfa, 0x21, 0x3d))).toEqual(
      bytes(0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58),
    );
  });

  it('uses a 16-bit length from 126 bytes and a 64-bit length from 64 KiB', () => {
    const mid = encodeFrame(OPCODE.text, Buffer.alloc(256));
    expect([...mid.subarray(0, 4)]).toEqual([0x81, 0x7e, 0x01, 0x00]);
    expect(mid.length).toBe(4 + 256);
    const big = encodeFrame(OPCODE.text, Buffer.alloc(0x10000));
    expect([...big.subarray(0, 10)]).toEqual([0x81, 0x7f, 0, 0, 0, 0, 0, 1, 0, 0]);
    expect(encodeFrame(OPCODE.text, Buffer.alloc(125))[1]).toBe(125);
  });

  it('reads frames whatever the chunks, unmasking what a client sent', () => {
    const texts = ['Hello', 'x'.repeat(300), 'é'.repeat(40_000)];
    const stream = Buffer.concat(
      texts.map((t) => encodeFrame(OPCODE.text, Buffer.from(t), bytes(1, 2, 3, 4))),
    );
    for (const size of [7, 1000, stream.length]) {
      const reader = new FrameReader(true);
      const read: string[] = [];
      for (let at = 0; at < stream.length; at += size)
        for (const frame of reader.push(stream.subarray(at, at + size)))
          read.push(frame.payload.toString('utf8'));
      expect(read).toEqual(texts);
    }
    const byByte = new FrameReader(true);
    const hello = encodeFrame(OPCODE.text, Buffer.from('Hello'), bytes(1, 2, 3, 4));
    expect([...hello].flatMap((b) => byByte.push(bytes(b)))).toEqual([
      { opcode: OPCODE.text, payload: Buffer.from('Hello') },
    ]);
    const server = new FrameReader(false);
    expect(server.push(bytes(0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f))).toEqual([
      { opcode: OPCODE.text, payload: Buffer.from('Hello') },
    ]);
  });

  it('refuses unmasked client frames, fragments and messages over the limit before they arrive', () => {
    expect(() => new FrameReader(true).push(bytes(0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f))).toThrow(
      FrameError,
    );
    // The first fragment of section 5.7 ("Hel", FIN clear).
    expect(() => new FrameReader(false).push(bytes(0x01, 0x03, 0x48, 0x65, 0x6c))).toThrow(/fragmented/);
    const reader = new FrameReader(true, 1024);
    expect(() => reader.push(bytes(0x81, 0xfe, 0x04, 0x01))).toThrow(/too large/);
    expect(() => new FrameReader(true, 1024).push(bytes(0x81, 0xff, 0x80, 0, 0, 0, 0, 0, 0, 0))).toThrow(
      /too large/,
    );
  });
});
