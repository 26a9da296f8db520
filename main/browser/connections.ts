import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Limits on connections, for clients that never send a request: anyone on the machine can
 * connect to the loopback port, token or not, and each connection holds a file descriptor.
 */

/** A connection whose first request's headers are not complete by then is closed. */
export const FIRST_REQUEST_MS = 3000;
/** The time a request (headers and body) may take to arrive; the answer may take longer. */
export const REQUEST_MS = 30_000;
/** Connections that have sent no complete request yet: past this, the oldest is closed. */
export const MAX_SILENT_CONNECTIONS = 64;
/** All connections, event sockets included: past this, a new connection is closed at once. */
export const MAX_CONNECTIONS = 512;

/** The options of `createServer` that these limits need (Node checks its timeouts this often). */
export const CONNECTION_OPTIONS = {
  headersTimeout: FIRST_REQUEST_MS,
  requestTimeout: REQUEST_MS,
  connectionsCheckingInterval: 500,
} as const;

/**
 * Closes connections that send nothing (Node's headersTimeout counts only from a request's
 * first byte) or stay silent too long, and caps how many there are. A connection is silent
 * until its first request (or upgrade) has complete headers; after that, Node's keep-alive,
 * headers and request timeouts apply, and an event socket lives as long as its page.
 */
export function limitConnections(server: Server, firstRequestMs = FIRST_REQUEST_MS): void {
  server.maxConnections = MAX_CONNECTIONS;
  /** Silent connections, oldest first (a Map keeps insertion order). */
  const silent = new Map<Socket, NodeJS.Timeout>();
  const spoke = (socket: Socket) => {
    clearTimeout(silent.get(socket));
    silent.delete(socket);
  };
  server.on('connection', (socket: Socket) => {
    if (silent.size >= MAX_SILENT_CONNECTIONS) {
      const [oldest] = silent.keys();
      spoke(oldest!);
      oldest!.destroy();
    }
    silent.set(
      socket,
      setTimeout(() => socket.destroy(), firstRequestMs),
    );
    socket.once('close', () => spoke(socket));
  });
  server.on('request', (req: { socket: Socket }) => spoke(req.socket));
  server.on('upgrade', (req: { socket: Socket }) => spoke(req.socket));
}
