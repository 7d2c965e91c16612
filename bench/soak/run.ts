/**
 * Soak: an Express app (@portcullis/express) on 127.0.0.1 under a bounded load of valid, expired,
 * forged and random-kid tokens and API keys, for `--seconds` (default 60). Checks, and exits 1 on
 * any violation:
 * - zero 5xx and zero wrong answers (each probe has exactly one right status and challenge);
 * - JWKS fetches within the cooldown bound: 1 + ⌊seconds / cooldown⌋ unknown-kid refetches +
 *   ⌊seconds / TTL⌋ expiries (+1 for a boundary), however many random kids arrive;
 * - RSS stable: the end RSS within `--max-rss-growth-mb` (default 64) of the RSS after warm-up.
 * Reports requests, throughput, latency percentiles and RSS start/end/peak.
 *
 * Run from the repository root:
 *   node_modules/.bin/tsx --conditions=portcullis-source bench/soak/run.ts --seconds 60
 * Options: --seconds N, --concurrency N (16), --cooldown S (5), --seed N (1), --max-rss-growth-mb N (64)
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import express from 'express';
import { authenticate, errorHandler, requireScopes, type AuthContext } from '@portcullis/express';
import { createTestIssuer } from '@portcullis/testing';
import { createMix, SCOPE } from './mix.js';
import { percentile, runLoad } from './load.js';

/** The IdP's `Cache-Control: max-age` for its JWKS (the test issuer sends 300). */
const JWKS_TTL_S = 300;
const MB = 1024 * 1024;

function options() {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string', default: '60' },
      concurrency: { type: 'string', default: '16' },
      cooldown: { type: 'string', default: '5' },
      seed: { type: 'string', default: '1' },
      'max-rss-growth-mb': { type: 'string', default: '64' },
    },
  });
  const number = (name: keyof typeof values): number => {
    const value = Number(values[name]);
    if (!Number.isFinite(value) || value <= 0) throw new TypeError(`--${name} must be a positive number`);
    return value;
  };
  return { seconds: number('seconds'), concurrency: number('concurrency'), cooldown: number('cooldown'), seed: number('seed'), maxGrowthMb: number('max-rss-growth-mb') };
}

/** Samples RSS every 250 ms; `warm` is the sample taken once warm-up is over. */
function rssSampler(warmUpMs: number) {
  const started = Date.now();
  const stats = { start: process.memoryUsage().rss, peak: 0, warm: 0, end: 0 };
  stats.peak = stats.start;
  const timer = setInterval(() => {
    const rss = process.memoryUsage().rss;
    stats.peak = Math.max(stats.peak, rss);
    if (stats.warm === 0 && Date.now() - started >= warmUpMs) stats.warm = rss;
  }, 250);
  return {
    stop() {
      clearInterval(timer);
      stats.end = process.memoryUsage().rss;
      stats.peak = Math.max(stats.peak, stats.end);
      if (stats.warm === 0) stats.warm = stats.end;
      return stats;
    },
  };
}

async function listen(app: express.Express): Promise<Server> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return server;
}

async function main(): Promise<number> {
  const opts = options();
  const issuer = await createTestIssuer({ algorithms: ['RS256', 'ES256'] });
  const mix = await createMix(issuer, 500, Math.ceil(opts.seconds) + 3600);
  const app = express();
  app.get('/messages', authenticate({ ...issuer.options, jwks: { cooldown: opts.cooldown }, apiKeys: { keys: mix.apiKeyRecords } }), requireScopes(SCOPE), (req, res) => {
    // The bench also loads express-oauth2-jwt-bearer, whose own `req.auth` typing shadows ours here.
    const auth = (req as unknown as { auth?: AuthContext }).auth;
    res.json({ type: auth?.type, subject: auth?.subject });
  });
  // Auth failures answered as JSON, as a production app would; anything else (a real 500) still
  // reaches Express's default handler, which logs it.
  app.use(errorHandler());
  const server = await listen(app);
  const port = (server.address() as AddressInfo).port;
  issuer.resetRequests();

  const rss = rssSampler(Math.min(10_000, opts.seconds * 100));
  // Fresh valid tokens keep arriving during the run, as they do in production (cache misses).
  const refill = setInterval(() => void mix.refill(), 250);
  const started = Date.now();
  const result = await runLoad({ port, mix, concurrency: opts.concurrency, deadline: started + opts.seconds * 1000, seed: opts.seed });
  const elapsed = (Date.now() - started) / 1000;
  clearInterval(refill);
  const memory = rss.stop();
  const fetches = issuer.requests.jwks;
  await new Promise((resolve) => server.close(resolve));
  await issuer.close();

  const fetchBound = 1 + Math.floor(opts.seconds / opts.cooldown) + Math.floor(opts.seconds / JWKS_TTL_S) + 1;
  const growthMb = (memory.end - memory.warm) / MB;
  const violations = [
    result.requests === 0 && 'no request completed',
    result.serverErrors > 0 && `${result.serverErrors} server errors (5xx)`,
    result.wrong > 0 && `${result.wrong} wrong answers, e.g. ${result.examples.join(' | ')}`,
    fetches > fetchBound && `${fetches} JWKS fetches, bound ${fetchBound}`,
    growthMb > opts.maxGrowthMb && `RSS grew ${growthMb.toFixed(1)} MB after warm-up (limit ${opts.maxGrowthMb})`,
  ].filter((v): v is string => typeof v === 'string');

  const mb = (bytes: number): string => `${(bytes / MB).toFixed(1)} MB`;
  console.log([
    `soak: ${elapsed.toFixed(1)} s, ${opts.concurrency} concurrent, seed ${opts.seed}, cooldown ${opts.cooldown} s, Node ${process.version}`,
    `requests: ${result.requests} (${Math.round(result.requests / elapsed)}/s); latency p50 ${percentile(result.latency, 0.5)} ms, p99 ${percentile(result.latency, 0.99)} ms, p99.9 ${percentile(result.latency, 0.999)} ms`,
    `statuses: ${JSON.stringify(Object.fromEntries([...result.byStatus].sort()))}`,
    `mix: ${[...result.byKind].sort((a, b) => b[1] - a[1]).map(([kind, n]) => `${kind} ${n}`).join(', ')}`,
    `valid tokens in the pool at the end: ${mix.poolSize}`,
    `5xx: ${result.serverErrors}; wrong answers: ${result.wrong}`,
    `JWKS fetches: ${fetches} (bound ${fetchBound})`,
    `RSS: start ${mb(memory.start)}, after warm-up ${mb(memory.warm)}, end ${mb(memory.end)}, peak ${mb(memory.peak)}`,
    violations.length === 0 ? 'PASS' : `FAIL:\n  - ${violations.join('\n  - ')}`,
  ].join('\n'));
  return violations.length === 0 ? 0 : 1;
}

main().then((code) => process.exit(code), (err: unknown) => {
  console.error(err);
  process.exit(1);
});
