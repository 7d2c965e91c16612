import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { MemoryReport } from './memory-child.js';
import { allCpus, pinnedPrefix } from './pin.js';

export type { MemoryReport } from './memory-child.js';

const ENTRY = fileURLToPath(new URL('./memory-child.ts', import.meta.url));
const BENCH_DIR = fileURLToPath(new URL('..', import.meta.url));
const TIMEOUT_MS = 5 * 60_000;

/**
 * Runs the memory measurement in a fresh process (`--expose-gc`, allowed on every CPU so minting is
 * quick), so nothing the rest of the benchmark allocated is counted. The child is killed on timeout.
 *
 * @example
 * const report = await runMemory(100_000);
 */
export function runMemory(tokens: number): Promise<MemoryReport> {
  const node = [process.execPath, '--expose-gc', '--import', 'tsx/esm', '--conditions=portcullis-source', ENTRY, String(tokens)];
  const [command, ...args] = [...pinnedPrefix(allCpus()), ...node];
  const child = spawn(command!, args, { cwd: BENCH_DIR, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`memory measurement did not finish within ${TIMEOUT_MS / 1000} s`));
    }, TIMEOUT_MS);
    child.once('message', (msg: MemoryReport | { error: string }) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      if ('error' in msg) reject(new Error(msg.error));
      else resolve(msg);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`memory child exited with code ${code} without a report`));
    });
  });
}
