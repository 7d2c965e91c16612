/**
 * Child-process entry of one benchmark server. Reads its ServerConfig (JSON) from argv[2], listens on
 * 127.0.0.1, reports `{ port }` to the parent over IPC, and exits as soon as the parent goes away, so a
 * crashed or interrupted benchmark leaves no server behind.
 */
import type { AddressInfo } from 'node:net';
import { startApp, type ServerConfig } from './apps.js';

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2] ?? '{}') as ServerConfig;
  const server = await startApp(config);
  const { port } = server.address() as AddressInfo;
  process.on('disconnect', () => process.exit(0));
  process.send?.({ port });
}

main().catch((err: unknown) => {
  process.send?.({ error: err instanceof Error ? err.message : String(err) });
  process.exit(1);
});
