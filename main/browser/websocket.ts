import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

/**
 * The few parts of WebSocket (RFC 6455) browser mode needs: text messages both
 * ways, ping, close. Browser mode's event stream is a WebSocket, not an HTTP
 * response held open: a browser gives one host only six HTTP/1.1 connections,
 * shared by all its tabs, and streams held open in them would starve every
 * request (and every dialog answer) once a few tabs are open. WebSockets are
 * not counted against that limit.
 */

const ACCEPT_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
/** The largest message a page may send (a dialog answer: a path of at most 4096 characters). */
export const MAX_PAGE_MESSAGE_BYTES = 64 * 1024;

export const OPCODE = { text: 0x1, close: 0x8, ping: 0x9, pong: 0xa } as const;

export function acceptKey(key: string): string {
  return createHash('sha1')
    .update(key + ACCEPT_GUID)
    .digest('base64');
}

/** One frame, final; `mask` (4 bytes) only from a client. */
export function encodeFrame(opcode: number, payload: Buffer, mask?: Buffer): Buffer {
  const length = payload.length;
  const head = length < 126 ? 2 : length < 0x10000 ? 4 : 10;
  const out = Buffer.alloc(head + (mask ? 4 : 0) + length);
  out[0] = 0x80 | opcode;
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

export class FrameError extends Error {}

/**
 * Cuts a byte stream into frames. `masked`: frames from a client must be masked,
 * frames from a server must not be. Fragmented messages, reserved bits and
 * payloads over `maxPayload` are protocol errors (FrameError).
 */
export class FrameReader {
  private buffer: Buffer = Buffer.alloc(0);

  constructor(
    private readonly masked: boolean,
    private readonly maxPayload = Number.MAX_SAFE_INTEGER,
  ) {}

  push(chunk: Buffer): Frame[] {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    const frames: Frame[] = [];
    for (;;) {
      const frame = this.next();
      if (!frame) return frames;
      frames.push(frame);
    }
  }

  private next(): Frame | undefined {
    const b = this.buffer;
    if (b.length < 2) return undefined;
    if ((b[0]! & 0xf0) !== 0x80) throw new FrameError('fragmented frame or reserved bits');
    if ((b[1]! & 0x80) !== (this.masked ? 0x80 : 0)) throw new FrameError('wrong masking');
    let length = b[1]! & 0x7f;
    let offset = 2;
    if (length === 126) {
      if (b.length < 4) return undefined;
      length = b.readUInt16BE(2);
      offset = 4;
    } else if (length === 127) {
      if (b.length < 10) return undefined;
      const big = b.readBigUInt64BE(2);
      if (big > BigInt(this.maxPayload)) throw new FrameError('message too large');
      length = Number(big);
      offset = 10;
    }
    if (length > this.maxPayload) throw new FrameError('message too large');
    const start = offset + (this.masked ? 4 : 0);
    if (b.length < start + length) return undefined;
    const payload = Buffer.from(b.subarray(start, start + length));
    if (this.masked) for (let i = 0; i < length; i++) payload[i] = payload[i]! ^ b[offset + (i % 4)]!;
    this.buffer = b.subarray(start + length);
    return { opcode: b[0]! & 0x0f, payload };
  }
}

export interface WebSocketPeer {
  sendText(text: string): void;
  close(): void;
}

/**
 * Completes a checked upgrade request as a WebSocket: `onMessage` gets each text
 * message, `onClose` runs once when the connection ends (either side, or an error);
 * neither is called before this function returns.
 * A request that is not a valid WebSocket handshake gets 400 and undefined.
 */
export function acceptWebSocket(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  handlers: { onMessage(text: string): void; onClose(): void },
): WebSocketPeer | undefined {
  const key = req.headers['sec-websocket-key'];
  if (
    req.method !== 'GET' ||
    req.headers.upgrade?.toLowerCase() !== 'websocket' ||
    req.headers['sec-websocket-version'] !== '13' ||
    typeof key !== 'string' ||
    Buffer.from(key, 'base64').length !== 16
  ) {
    refuseUpgrade(socket, 400, 'WebSocket handshake required');
    return undefined;
  }
  socket.write(
    'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
      `Sec-WebSocket-Accept: ${acceptKey(key)}\r\n\r\n`,
  );
  const reader = new FrameReader(true, MAX_PAGE_MESSAGE_BYTES);
  let closed = false;
  const finish = () => {
    if (closed) return;
    closed = true;
    handlers.onClose();
  };
  const write = (opcode: number, payload: Buffer) => {
    if (!socket.destroyed && socket.writable) socket.write(encodeFrame(opcode, payload));
  };
  /**
   * Our close frame (status `code`), then the connection ends once it is written: without
   * waiting for the other side, which may be a page frozen by a prompt (the server must
   * still be able to stop).
   */
  const close = (code = 1000) => {
    const status = Buffer.alloc(2);
    status.writeUInt16BE(code);
    write(OPCODE.close, status);
    socket.end(() => socket.destroy());
    finish();
  };
  const receive = (chunk: Buffer) => {
    let frames: Frame[];
    try {
      frames = reader.push(chunk);
    } catch (error) {
      return close(error instanceof FrameError && /large/.test(error.message) ? 1009 : 1002);
    }
    for (const frame of frames) {
      if (closed) return;
      if (frame.opcode === OPCODE.text) handlers.onMessage(frame.payload.toString('utf8'));
      else if (frame.opcode === OPCODE.ping) write(OPCODE.pong, frame.payload);
      else if (frame.opcode === OPCODE.close) return close();
      else if (frame.opcode !== OPCODE.pong) return close(1003);
    }
  };
  socket.on('data', receive);
  // The server's sockets stay half open when the other side ends: end ours too.
  socket.on('end', () => {
    socket.end();
    finish();
  });
  socket.on('close', finish);
  socket.on('error', () => socket.destroy());
  // Bytes that came with the handshake: read from a later turn, as all others are.
  if (head.length) queueMicrotask(() => receive(head));
  return { sendText: (text) => write(OPCODE.text, Buffer.from(text, 'utf8')), close: () => close(1001) };
}

/** An upgrade request refused with an HTTP status; the connection ends. */
export function refuseUpgrade(socket: Duplex, status: number, text: string): void {
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(text)}\r\n` +
      `Connection: close\r\n\r\n${text}`,
  );
}
