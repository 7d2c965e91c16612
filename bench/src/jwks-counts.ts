import { randomBytes } from 'node:crypto';
import { createTestIssuer, type TestIssuer } from '@portcullis/testing';
import type { AlgFixture, Fixture } from './fixtures.js';
import { headerOf, mintMany, TOKEN_LIFETIME } from './fixtures.js';
import type { Verifier } from './inproc/harness.js';
import { createAuth0Verifier, createExpressJwtVerifier, createKoaJwtVerifier } from './inproc/peers.js';

export type JwksScenario = 'cold' | 'newKid' | 'unknownKids';

/** Fetch counts of one implementation in one scenario. */
export interface JwksCount {
  impl: JwksImpl;
  scenario: JwksScenario;
  requests: number;
  /** JWKS documents the issuer served while the scenario ran. */
  fetches: number;
  /** Requests answered 2xx (cold/newKid: should be all; unknownKids: must be none). */
  accepted: number;
  /** Requests that would have been answered 5xx. */
  serverErrors: number;
  note?: string;
}

export type JwksImpl = 'core' | 'auth0' | 'express-jwt' | 'koa-jwt';

export const JWKS_SIZES = { cold: 200, newKid: 200, unknownKids: 1000 } as const;
const UNKNOWN_KID_WAVE = 100;
/**
 * Refetch cooldown used in (ii) and (iii), in seconds, for the implementations that have one (core and
 * express-oauth2-jwt-bearer, both 30 s by default). A real rotation arrives long after the last fetch;
 * a 1 s cooldown and a 1.2 s pause reproduce that without making the run wait 30 s per row.
 */
const COOLDOWN_S = 1;
const PAUSE_MS = 1200;

type Factory = (fixture: Fixture, alg: AlgFixture, shortCooldown: boolean) => Verifier | null | Promise<Verifier | null>;

const FACTORIES: Record<JwksImpl, Factory> = {
  core: async (f, a, short) =>
    (await import('./inproc/portcullis.js')).createPortcullisVerifier(f, a, true, short ? { jwks: { cooldown: COOLDOWN_S } } : {}),
  auth0: (f, a, short) => createAuth0Verifier(f, a, short ? { cooldownDuration: COOLDOWN_S * 1000 } : {}),
  // jwks-rsa has no cooldown: with its defaults (rateLimit off) every unknown kid is a fetch.
  'express-jwt': (f, a) => createExpressJwtVerifier(f, a),
  'koa-jwt': (f, a) => createKoaJwtVerifier(f, a),
};

/**
 * Counts JWKS fetches against a fresh test issuer on 127.0.0.1 (its `requests.jwks` counter), each
 * implementation with a fresh verifier: (i) 200 concurrent requests at cold start, (ii) 200 concurrent
 * requests carrying a new kid after `rotate()`, (iii) 1,000 requests with random unknown kids (in
 * waves of 100). (ii) and (iii) start {@link PAUSE_MS} after the verifier's first fetch.
 *
 * @example
 * const counts = await runJwksCounts(console.error);
 */
export async function runJwksCounts(log: (line: string) => void): Promise<JwksCount[]> {
  const issuer = await createTestIssuer({ algorithms: ['RS256'] });
  try {
    const fixture = fixtureFor(issuer);
    const alg = { alg: 'RS256' } as AlgFixture;
    const unknown = await Promise.all(
      Array.from({ length: JWKS_SIZES.unknownKids }, () =>
        issuer.sign({}, { expiresIn: TOKEN_LIFETIME, kid: `unknown-${randomBytes(8).toString('hex')}` }),
      ),
    );
    const out: JwksCount[] = [];
    for (const impl of Object.keys(FACTORIES) as JwksImpl[]) {
      log(`jwks: ${impl}`);
      out.push(...(await countFor(impl, issuer, fixture, alg, unknown)));
    }
    return out;
  } finally {
    await issuer.close();
  }
}

async function countFor(impl: JwksImpl, issuer: TestIssuer, fixture: Fixture, alg: AlgFixture, unknown: string[]): Promise<JwksCount[]> {
  const fresh = async (short: boolean): Promise<Verifier> => (await FACTORIES[impl](fixture, alg, short))!;
  const results: JwksCount[] = [];
  const cold = await mintMany(issuer, 'RS256', JWKS_SIZES.cold);
  results.push(await measure(impl, 'cold', issuer, await fresh(false), cold, cold.length));

  const rotated = await fresh(true);
  const warmed = Date.now();
  await rotated.bind([cold[0]!])(0);
  const { kid } = await issuer.rotate({ alg: 'RS256' });
  const newKid = await mintMany(issuer, 'RS256', JWKS_SIZES.newKid);
  const note = headerOf(newKid[0]!).kid === kid ? undefined : 'tokens do not carry the rotated kid';
  await pauseUntil(warmed + PAUSE_MS);
  results.push({ ...(await measure(impl, 'newKid', issuer, rotated, newKid, newKid.length)), ...(note ? { note } : {}) });

  const probed = await fresh(true);
  await probed.bind([newKid[0]!])(0);
  await pauseUntil(Date.now() + PAUSE_MS);
  results.push(await measure(impl, 'unknownKids', issuer, probed, unknown, UNKNOWN_KID_WAVE));
  return results;
}

async function measure(
  impl: JwksImpl,
  scenario: JwksScenario,
  issuer: TestIssuer,
  verifier: Verifier,
  tokens: string[],
  wave: number,
): Promise<JwksCount> {
  const op = verifier.bind(tokens);
  issuer.resetRequests();
  let accepted = 0;
  let serverErrors = 0;
  for (let start = 0; start < tokens.length; start += wave) {
    const batch = [];
    for (let i = start; i < Math.min(tokens.length, start + wave); i++) batch.push(Promise.resolve().then(() => op(i)));
    for (const outcome of await Promise.allSettled(batch)) {
      if (outcome.status === 'fulfilled') accepted++;
      else if (statusOf(outcome.reason) >= 500) serverErrors++;
    }
  }
  return { impl, scenario, requests: tokens.length, fetches: issuer.requests.jwks, accepted, serverErrors };
}

function pauseUntil(time: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, time - Date.now())));
}

/** The HTTP status an error would be answered with: its own `status`, else 500 (an unhandled error). */
function statusOf(err: unknown): number {
  const status = (err as { status?: unknown; statusCode?: unknown } | null)?.status ?? (err as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : 500;
}

function fixtureFor(issuer: TestIssuer): Fixture {
  const audience = Array.isArray(issuer.options.audience) ? issuer.options.audience[0]! : issuer.options.audience;
  return { issuer, issuerUrl: issuer.url, audience, jwksUri: issuer.jwksUri, secret: '', algs: new Map() };
}
