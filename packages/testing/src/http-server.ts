import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** A request handler; exceptions and rejections become a bare 500. */
export type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/** An HTTP server bound to 127.0.0.1 whose `close()` ends every connection and pending timer. */
export interface LoopbackServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  /** Runs `fn` after `ms` unless the response closes or the server closes first. */
  defer(res: ServerResponse, ms: number, fn: () => void): void;
  /** Stops listening, destroys every socket (keep-alive ones too) and cancels deferred work. Idempotent. */
  close(): Promise<void>;
}

/**
 * Starts an HTTP server on 127.0.0.1 (never on other interfaces). Port 0 picks a free ephemeral port.
 *
 * @example
 * const server = await listenLoopback((req, res) => res.end('ok'), 0);
 * await fetch(server.url);
 * await server.close();
 */
export async function listenLoopback(handler: Handler, port: number): Promise<LoopbackServer> {
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer((req, res) => {
    Promise.resolve()
      .then(() => handler(req, res))
      .catch(() => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end();
      });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('test issuer: no TCP address');

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.close(() => resolve());
      // Keep-alive and slow-fault sockets would otherwise hold close() open until they time out.
      for (const socket of sockets) socket.destroy();
      server.closeAllConnections();
    });
    return closing;
  };

  const defer = (res: ServerResponse, ms: number, fn: () => void): void => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timers.add(timer);
    res.once('close', () => {
      clearTimeout(timer);
      timers.delete(timer);
    });
  };

  return { url: `http://127.0.0.1:${address.port}`, port: address.port, defer, close };
}
