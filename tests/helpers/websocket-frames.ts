import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import type { Socket } from 'node:net';

/**
 * A raw WebSocket client for tests: frames written byte by byte, so a test can send what a
 * browser never would (fragments, oversized control frames, bad UTF-8, unmasked frames) and
 * read exactly what the server answers.
 */

export const OPCODE = {
  continuation: 0x0,
  text: 0x1,
  binary: 0x2,
  close: 0x8,
  ping: 0x9,
  pong: 0xa,
} as const;

/** One frame, masked as a client sends it (`masked: false`: as a server does); `fin: false` for a fragment before the last. */
export function encodeFrame(opcode: number, payload: Buffer, { masked = true, fin = true } = {}): Buffer {
  const mask = masked ? randomBytes(4) : undefined;
  const length = payload.length;
  const head = length < 126 ? 2 : length < 0x10000 ? 4 : 10;
  const out = Buffer.alloc(head + (mask ? 4 : 0) + length);
  out[0] = (fin ? 0x80 : 0) | opcode;
  const maskBit = mask ? 0x80 : 0;
  if (length < 126) out[1] = maskBit | length;
  else if (length < 0x10000) {
    out[1] = maskBit | 126;
    out.writeUInt16BE(length, 2);
  } else {
    out[1] = maskBit | 127;
    out.writeBigUInt64BE(BigInt(length), 2);
  }
  if (!mask) payload.copy(out, head);
  else {
    mask.copy(out, head);
    for (let i = 0; i < length; i++) out[head + 4 + i] = payload[i]! ^ mask[i % 4]!;
  }
  return out;
}

export interface Frame {
  readonly opcode: number;
  readonly payload: Buffer;
}

/** Cuts the server's byte stream (unmasked frames) into frames, whatever the chunks. */
export class FrameReader {
  private buffer: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Frame[] {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    const frames: Frame[] = [];
    for (;;) {
      const b = this.buffer;
      if (b.length < 2) return frames;
      let length = b[1]! & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (b.length < 4) return frames;
        length = b.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (b.length < 10) return frames;
        length = Number(b.readBigUInt64BE(2));
        offset = 10;
      }
      if (b.length < offset + length) return frames;
      frames.push({ opcode: b[0]! & 0x0f, payload: Buffer.from(b.subarray(offset, offset + length)) });
      this.buffer = b.subarray(offset + length);
    }
  }
}

/** The status code of a close frame (1005 when it has none). */
export const closeCode = (frame: Frame): number =>
  frame.payload.length >= 2 ? frame.payload.readUInt16BE() : 1005;

/** A WebSocket handshake at `path`: the socket, or an error "<status> <text>" (with the answer's headers). */
export function upgrade(port: number, path: string, headers: Record<string, string>): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port,
      path,
      agent: false,
      headers: {
        Host: `127.0.0.1:${port}`,
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
        ...headers,
      },
    });
    req.on('upgrade', (_res, socket, head) => {
      if (head.length) socket.unshift(head);
      resolve(socket as Socket);
    });
    req.on('response', (res) => {
      res.resume();
      reject(Object.assign(new Error(`${res.statusCode} ${res.statusMessage}`), { headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}
