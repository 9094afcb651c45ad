import {
  createServer as createHttp1Server,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttp2Server, type Http2Server, type Http2Session } from 'node:http2';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import { Duplex } from 'node:stream';

/** The first bytes of an HTTP/2 connection preface (`PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n`). */
const HTTP2_PREFACE_START = Buffer.from('PRI * HTTP/2.0');

/** A duplex stream that yields `first`, then what `socket` receives, and writes to `socket`. */
function replayingStream(socket: Socket, first: Buffer): Duplex {
  const stream = new Duplex({
    read: () => {
      socket.resume();
    },
    write: (chunk, encoding, callback) => {
      socket.write(chunk, encoding, callback);
    },
    final: (callback) => {
      socket.end();
      callback();
    },
    destroy: (error, callback) => {
      socket.destroy(error ?? undefined);
      callback(error);
    },
  });
  stream.push(first);
  socket.on('data', (data: Buffer) => {
    if (!stream.push(data)) socket.pause();
  });
  socket.once('end', () => stream.push(null));
  socket.once('close', () => stream.destroy());
  socket.once('error', (error) => stream.destroy(error));
  return stream;
}

/** A request listener both protocols share (HTTP/2 through Node's compatibility API). */
type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/** A server that answers HTTP/1.1 and cleartext HTTP/2 (prior knowledge) on one port. */
interface DualProtocolServer {
  /** The listening socket server: `listen`, `address`, `once('error')`. */
  readonly net: NetServer;
  /** The HTTP/1.1 side (for `attachClock`). */
  readonly http1: Server;
  /** The HTTP/2 side (for `attachClock`, cast: its `request` event has the same shape). */
  readonly http2: Http2Server;
  /** Stops listening and ends every connection of both protocols. */
  close(): Promise<void>;
}

/**
 * Serves HTTP/1.1 and cleartext HTTP/2 on one port: each connection's first bytes decide which
 * protocol handles it. `@aws-sdk/client-bedrock-runtime` sends its requests over HTTP/2 by
 * default (its request handler is `NodeHttp2Handler`), `@aws-sdk/client-bedrock` over HTTP/1.1,
 * and both reach the emulator at one endpoint, as both reach their services over HTTPS.
 *
 * @example
 * ```ts
 * const server = createDualProtocolServer((req, res) => res.end('ok'));
 * server.net.listen(0, '127.0.0.1');
 * ```
 */
function createDualProtocolServer(listener: RequestListener): DualProtocolServer {
  const http1 = createHttp1Server({ keepAlive: true }, listener);
  const http2 = createHttp2Server(
    {},
    listener as unknown as Parameters<typeof createHttp2Server>[1],
  );
  const sessions = new Set<Http2Session>();
  http2.on('session', (session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
  });
  const sockets = new Set<Socket>();
  const net = createNetServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.once('data', (chunk: Buffer) => {
      socket.pause();
      const start = HTTP2_PREFACE_START.subarray(
        0,
        Math.min(chunk.length, HTTP2_PREFACE_START.length),
      );
      if (chunk.subarray(0, start.length).equals(start)) {
        // The HTTP/2 session reads the socket's handle directly, so bytes already read cannot be
        // given back to it: it gets a stream that replays them, then relays the socket.
        http2.emit('connection', replayingStream(socket, chunk));
      } else {
        socket.unshift(chunk);
        http1.emit('connection', socket);
      }
      socket.resume();
    });
  });
  return {
    net,
    http1,
    http2,
    close: () =>
      new Promise<void>((resolve) => {
        net.close(() => resolve());
        for (const session of sessions) session.destroy();
        http1.closeAllConnections();
        for (const socket of sockets) socket.destroy();
      }),
  };
}

export type { DualProtocolServer };
export { createDualProtocolServer };
