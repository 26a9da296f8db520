import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type ServerOptions, type WebSocket } from 'ws';

/**
 * Browser mode's event stream is a WebSocket, not an HTTP response held open: a browser gives
 * one host only six HTTP/1.1 connections, shared by all its tabs, and streams held open in them
 * would starve every request (and every dialog answer) once a few tabs are open. WebSockets are
 * not counted against that limit.
 *
 * The protocol (RFC 6455: framing, fragments, control frames, UTF-8, close codes) is the `ws`
 * package's; the server's own checks (Host, Origin, token) run before a request reaches it.
 */

/** The largest message a page may send (a dialog answer: a path of at most 4096 characters). */
export const MAX_PAGE_MESSAGE_BYTES = 64 * 1024;
/**
 * The most that may wait unsent to one page. A page past it has stopped reading (a tab frozen
 * by a prompt, or a client that never reads its pongs): its socket is cut, and a live page
 * reconnects as a new page.
 */
export const MAX_PAGE_BUFFERED_BYTES = 8 * 1024 * 1024;
/** How long a closing socket may take to finish the close handshake before it is cut. */
export const CLOSE_GRACE_MS = 500;
/** The one WebSocket version (RFC 6455) a page may ask for; any other is answered 426. */
const WEBSOCKET_VERSION = '13';

// `closeTimeout` is not in @types/ws 8.18 yet.
const SERVER_OPTIONS: ServerOptions & { closeTimeout: number } = {
  noServer: true,
  maxPayload: MAX_PAGE_MESSAGE_BYTES,
  closeTimeout: CLOSE_GRACE_MS,
  perMessageDeflate: false,
};

export interface WebSocketPeer {
  sendText(text: string): void;
  close(): void;
}

export interface PageSocketHandlers {
  onMessage(text: string): void;
  onClose(): void;
}

/** The event sockets of the pages: opened after the server's checks, closed all at once on stop. */
export class PageSockets {
  private readonly server = new WebSocketServer(SERVER_OPTIONS);

  /** Open event sockets. */
  get size(): number {
    return this.server.clients.size;
  }

  /**
   * Completes a checked upgrade request as a WebSocket, then calls `open` with the peer.
   * `handlers.onMessage` gets each text message; `handlers.onClose` runs once when the
   * connection ends (either side, a protocol error, or a page that stopped reading).
   */
  accept(
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    open: (peer: WebSocketPeer) => PageSocketHandlers,
  ): void {
    if (req.headers['sec-websocket-version'] !== WEBSOCKET_VERSION)
      return refuseUpgrade(socket, 426, 'Upgrade Required', { 'Sec-WebSocket-Version': WEBSOCKET_VERSION });
    this.server.handleUpgrade(req, socket, head, (ws) => {
      const peer: WebSocketPeer = {
        sendText: (text) => {
          if (ws.readyState !== ws.OPEN) return;
          ws.send(text);
          cutIfNotReading(ws);
        },
        close: () => ws.close(1001),
      };
      const handlers = open(peer);
      ws.on('message', (data, isBinary) => {
        if (isBinary) return ws.close(1003, 'text only');
        handlers.onMessage(data.toString());
      });
      // Pings are answered by `ws` (which cuts a client with too many unsent pongs); a pong
      // waiting behind unsent events counts toward the page's limit as well.
      ws.on('ping', () => cutIfNotReading(ws));
      ws.on('close', () => handlers.onClose());
      // A protocol error closes the socket with its code (1002, 1007, 1009); nothing to add.
      ws.on('error', () => undefined);
    });
  }

  /** Says goodbye (1001) to every page; a page that does not answer within the grace is cut. */
  closeAll(): void {
    for (const ws of this.server.clients) ws.close(1001);
  }
}

function cutIfNotReading(ws: WebSocket): void {
  if (ws.bufferedAmount > MAX_PAGE_BUFFERED_BYTES) ws.terminate();
}

/** An upgrade request refused with an HTTP status; the connection ends once the answer is written. */
export function refuseUpgrade(
  socket: Duplex,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  const extra = Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(text)}\r\n` +
      `${extra}Connection: close\r\n\r\n${text}`,
    () => socket.destroy(),
  );
}
