/**
 * Listening and stopping: every example binds 127.0.0.1 only and stops cleanly on Ctrl-C.
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A listening server. */
export interface Listening {
  server: Server;
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Stops accepting, ends open (keep-alive) connections, and resolves once closed. */
  close(): Promise<void>;
}

/**
 * Starts an HTTP server for `handler` on 127.0.0.1:`port` (`0` = a free port). Rejects with a
 * readable message when the port is taken.
 *
 * @example
 * const { url, close } = await listen(app, 3000);
 */
export async function listen(handler: RequestListener, port: number): Promise<Listening> {
  const server = createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(err.code === 'EADDRINUSE' ? new Error(`port ${port} is already in use; set PORT to another port (0 picks a free one)`) : err);
    });
    server.listen(port, '127.0.0.1', resolve);
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return { server, url, close };
}

/**
 * Runs `stop` once on SIGINT (Ctrl-C) or SIGTERM, then lets the process end. A second signal, or a
 * `stop` that hangs for 5 s, ends the process at once.
 *
 * @example
 * stopOnSignals(async () => { await http.close(); await setup.close(); });
 */
export function stopOnSignals(stop: () => Promise<void>): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(130);
    stopping = true;
    console.log(`\n${signal}: stopping…`);
    setTimeout(() => process.exit(1), 5000).unref();
    stop().then(
      () => console.log('Stopped.'),
      (err: unknown) => {
        console.error('Error while stopping:', err);
        process.exitCode = 1;
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

/**
 * Runs an example's `main`, printing a startup failure as one readable line instead of a stack trace.
 *
 * @example
 * runMain(main);
 */
export function runMain(main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    console.error(`Cannot start: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
