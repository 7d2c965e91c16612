import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { pinnedPrefix } from '../pin.js';
import type { ServerConfig } from './apps.js';

/** A server running in its own process. */
export interface ServerChild {
  config: ServerConfig;
  url: string;
  pid: number;
}

const live = new Set<ChildProcess>();
const SERVER_ENTRY = fileURLToPath(new URL('./server.ts', import.meta.url));
const BENCH_DIR = fileURLToPath(new URL('../..', import.meta.url));
const START_TIMEOUT_MS = 30_000;

/**
 * Starts a server child, pinned to `cpu` with taskset when available, and waits for its port.
 *
 * @example
 * const child = await startServer({ kind: 'koa-plain', issuer, audience, jwksUri, alg: 'RS256' }, 1);
 */
export async function startServer(config: ServerConfig, cpu: number): Promise<ServerChild> {
  const node = [process.execPath, '--import', 'tsx/esm', '--conditions=portcullis-source', SERVER_ENTRY, JSON.stringify(config)];
  const [command, ...args] = [...pinnedPrefix(cpu), ...node];
  const child = spawn(command!, args, {
    cwd: BENCH_DIR,
    // stderr is kept, not shown: Express's default handler logs every 401 it answers.
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    env: { ...process.env, NODE_ENV: 'production' },
  });
  live.add(child);
  child.once('exit', () => live.delete(child));
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-2000);
  });
  const port = await waitForPort(child, config.kind).catch((err: Error) => {
    throw new Error(`${err.message}${stderr ? `; stderr: ${stderr.trim().split('\n').slice(-3).join(' | ')}` : ''}`);
  });
  return { config, url: `http://127.0.0.1:${port}/api`, pid: child.pid! };
}

function waitForPort(child: ChildProcess, kind: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`${kind} did not start within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
    const fail = (err: Error): void => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(err);
    };
    child.once('message', (msg: { port?: number; error?: string }) => {
      if (typeof msg.port === 'number') {
        clearTimeout(timer);
        resolve(msg.port);
      } else fail(new Error(`${kind} failed to start: ${msg.error ?? 'unknown error'}`));
    });
    child.once('exit', (code) => fail(new Error(`${kind} exited with code ${code} before listening`)));
  });
}

/**
 * Kills every server child still running (SIGKILL: they hold no state worth a graceful stop).
 * Synchronous, so it also works from a process 'exit' handler.
 *
 * @example
 * process.on('exit', killAllServers);
 */
export function killAllServers(): void {
  for (const child of live) {
    child.kill('SIGKILL');
    live.delete(child);
  }
}

/**
 * Stops one child and waits until it is gone.
 *
 * @example
 * await stopServer(child);
 */
export async function stopServer(server: ServerChild): Promise<void> {
  const child = [...live].find((c) => c.pid === server.pid);
  if (!child) return;
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  await gone;
}
