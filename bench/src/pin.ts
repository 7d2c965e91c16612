import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';

let available: boolean | undefined;

/**
 * Whether `taskset` exists and the machine has at least two CPUs to pin to.
 *
 * @example
 * if (canPin()) pinProcess(process.pid, 0);
 */
export function canPin(): boolean {
  if (available === undefined) {
    if (cpus().length < 2) return (available = false);
    try {
      execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
      available = true;
    } catch {
      available = false;
    }
  }
  return available;
}

/**
 * Pins every thread of process `pid` (`-a`: the libuv pool and V8's helpers too) to one CPU, so a
 * "per core" figure includes the work WebCrypto hands to other threads. Returns false when it cannot.
 *
 * @example
 * pinProcess(process.pid, 0);
 */
export function pinProcess(pid: number, cpu: number): boolean {
  if (!canPin()) return false;
  try {
    execFileSync('taskset', ['-a', '-cp', String(cpu), String(pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Command prefix that starts a program pinned to `cpus` (a CPU number or a taskset list such as
 * `'0-1'`), or nothing when pinning is unavailable. Children inherit the parent's affinity, so a
 * child meant to use every CPU needs this too once the parent is pinned.
 *
 * @example
 * spawn(...[...pinnedPrefix(1), 'node', 'server.js']);
 */
export function pinnedPrefix(cpus: number | string): string[] {
  return canPin() ? ['taskset', '-c', String(cpus)] : [];
}

/**
 * The taskset list of every CPU of this machine, e.g. `'0-1'`.
 *
 * @example
 * pinnedPrefix(allCpus());
 */
export function allCpus(): string {
  return `0-${cpus().length - 1}`;
}
