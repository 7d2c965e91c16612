import { performance } from 'node:perf_hooks';

/**
 * One verification of the token at index `i`: returns (or resolves) when the token is valid, throws (or
 * rejects) when it is not. Synchronous verifiers are driven in a tight loop, asynchronous ones with
 * several promises in flight, as a server would have.
 */
export type Op = (i: number) => unknown;

/** An implementation bound to one algorithm, ready to verify tokens. */
export interface Verifier {
  kind: 'sync' | 'async';
  /** Binds a token list; the returned op verifies `tokens[i]`. Called outside the timed region. */
  bind(tokens: readonly string[]): Op;
  /** Whether the verifier keeps state worth filling before timing (a token cache). */
  primeAll?: boolean;
}

/** What one timed slice measured. */
export interface SliceResult {
  ops: number;
  errors: number;
  /** Wall-clock seconds. */
  seconds: number;
  /** CPU seconds of this process (every thread, so WebCrypto's pool work counts) during the slice. */
  cpuSeconds: number;
}

/**
 * Runs `op` over indices 0,1,2,… (mod `n`) for about `ms` milliseconds and counts completed verifications
 * and failures. Failures are counted, not thrown: a slice with errors is reported as broken.
 *
 * @example
 * const r = await runSlice(verifier.bind(tokens), tokens.length, 'async', 250, 8);
 * r.ops / r.cpuSeconds; // verifications per CPU second
 */
export async function runSlice(op: Op, n: number, kind: Verifier['kind'], ms: number, concurrency: number): Promise<SliceResult> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const deadline = start + ms;
  const counts = kind === 'sync' ? runSync(op, n, deadline) : await runAsync(op, n, deadline, concurrency);
  const seconds = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  return { ...counts, seconds, cpuSeconds: (used.user + used.system) / 1e6 };
}

function runSync(op: Op, n: number, deadline: number): { ops: number; errors: number } {
  let ops = 0;
  let errors = 0;
  let i = 0;
  // Read the clock only every 64 operations: a clock read is not free next to an HMAC.
  for (;;) {
    for (let k = 0; k < 64; k++) {
      try {
        op(i);
      } catch {
        errors++;
      }
      ops++;
      if (++i === n) i = 0;
    }
    if (performance.now() >= deadline) return { ops, errors };
  }
}

async function runAsync(op: Op, n: number, deadline: number, concurrency: number): Promise<{ ops: number; errors: number }> {
  const state = { ops: 0, errors: 0, next: 0 };
  const lane = async (): Promise<void> => {
    while (performance.now() < deadline) {
      for (let k = 0; k < 8; k++) {
        const i = state.next;
        state.next = i + 1 === n ? 0 : i + 1;
        try {
          await op(i);
        } catch {
          state.errors++;
        }
        state.ops++;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return { ops: state.ops, errors: state.errors };
}

/**
 * Calls `op` once for every index, `concurrency` at a time, and returns how many failed. Used to fill
 * caches and to warm up JIT and JWKS before timing.
 *
 * @example
 * const failures = await runAll(op, tokens.length, 8);
 */
export async function runAll(op: Op, n: number, concurrency: number): Promise<number> {
  let next = 0;
  let errors = 0;
  const lane = async (): Promise<void> => {
    while (next < n) {
      const i = next++;
      try {
        await op(i);
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, lane));
  return errors;
}
