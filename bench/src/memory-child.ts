/**
 * Child-process entry of the memory measurement (run with --expose-gc). Mints N distinct ES256
 * tokens, then pushes them all through `@portcullis/core` — first with `tokenCache: false`, then with
 * the default cache — and reports heap/RSS growth after full GCs as JSON over IPC.
 */
import { createAuthenticator, type Authenticator } from '@portcullis/core';
import { createTestIssuer } from '@portcullis/testing';
import { mintMany } from './fixtures.js';
import { runAll } from './inproc/harness.js';

export interface MemoryReport {
  tokens: number;
  tokenBytes: number;
  baseline: Snapshot;
  afterNoCache: Snapshot;
  afterDefaultCache: Snapshot;
  rejected: number;
}

interface Snapshot {
  heapUsed: number;
  rss: number;
}

async function snapshot(): Promise<Snapshot> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  // Several passes with a turn of the event loop between them, so finalizers and weak refs settle.
  for (let i = 0; i < 4; i++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  const { heapUsed, rss } = process.memoryUsage();
  return { heapUsed, rss };
}

async function pass(authenticate: Authenticator, headers: string[]): Promise<number> {
  return runAll((i) => authenticate({ headers: { authorization: headers[i] }, method: 'GET', url: '/api' }), headers.length, 16);
}

async function main(): Promise<void> {
  // Nobody to report to: stop rather than finish a minute of work.
  process.on('disconnect', () => process.exit(0));
  const count = Number(process.argv[2] ?? '100000');
  const issuer = await createTestIssuer({ algorithms: ['ES256'] });
  try {
    // Flat copies: a `Bearer ${t}` cons-string would keep the minted token alive until V8 flattens it
    // on first use, and that release would show up as a drop after the baseline.
    const headers = (await mintMany(issuer, 'ES256', count)).map((t) => Buffer.from(`Bearer ${t}`).toString());
    const options = { ...issuer.options, algorithms: ['ES256'] };
    const noCache = createAuthenticator({ ...options, tokenCache: false });
    const cached = createAuthenticator(options);
    // One request each first, so the JWKS fetch and key import are not counted as growth.
    await pass(noCache, headers.slice(0, 1));
    await pass(cached, headers.slice(0, 1));
    const baseline = await snapshot();
    let rejected = await pass(noCache, headers);
    const afterNoCache = await snapshot();
    rejected += await pass(cached, headers);
    const afterDefaultCache = await snapshot();
    const report: MemoryReport = { tokens: count, tokenBytes: headers[0]!.length - 7, baseline, afterNoCache, afterDefaultCache, rejected };
    process.send?.(report);
  } finally {
    await issuer.close();
  }
}

main().catch((err: unknown) => {
  process.send?.({ error: err instanceof Error ? err.message : String(err) });
  process.exitCode = 1;
});
