/**
 * Differential fuzzing against jose's `jwtVerify` — the reference for JWT semantics — on the same
 * keys (`createLocalJWKSet(issuer.jwks())`), issuer, audience, algorithms, clock tolerance and
 * `requiredClaims: ['exp']`. Two streams: mutations of valid tokens, and genuinely signed tokens
 * with random claims and header parameters.
 *
 * Core accepting what jose rejects always fails the test. Jose accepting what core rejects fails
 * it too, unless the token falls in one of the checks where core is deliberately stricter:
 * - non-canonical base64url (jose's decoder ignores padding, whitespace and unused trailing bits);
 * - `iat` in the future beyond the tolerance (jose checks it only with `maxTokenAge`);
 * - `sub`/`jti` that are not strings, `aud` arrays holding non-strings (jose ignores those);
 * - a `kid` that is not a string (jose then ignores it and picks any key);
 * - any `crit` (jose also accepts `crit: ["b64"]` with `b64: true`);
 * - non-finite NumericDates, a BOM or invalid UTF-8 in a segment, tokens over `maxTokenSize`.
 * Times are drawn at least 10 s away from every tolerance boundary, so the two clocks (jose floors
 * to whole seconds) cannot disagree.
 */
import fc from 'fast-check';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { createTestIssuer, type SignOptions, type TestIssuer } from '@portcullis/testing';
import { createAuthenticator, type Authenticator } from '@portcullis/core';
import { answer, bearer } from './support.js';
import { assertProperty, mutation } from './fuzz-support.js';

const MUTATED_RUNS = 6_000;
const SIGNED_RUNS = 2_500;
const ALGORITHMS = ['ES256', 'RS256'];
const TOLERANCE = 5;

let issuer: TestIssuer;
let core: Authenticator;
let joseVerify: (token: string) => Promise<boolean>;
let bases: string[];
const agreed = { valid: 0, invalid: 0 };
const excused = new Map<string, number>();

beforeAll(async () => {
  issuer = await createTestIssuer({ algorithms: ['ES256', 'RS256'] });
  core = createAuthenticator({ ...issuer.options, tokenCache: false, algorithms: ALGORITHMS, clockTolerance: TOLERANCE });
  const jwks = createLocalJWKSet(issuer.jwks());
  joseVerify = (token) => jwtVerify(token, jwks, {
    issuer: issuer.url, audience: issuer.options.audience, algorithms: ALGORITHMS, clockTolerance: TOLERANCE, requiredClaims: ['exp'],
  }).then(() => true, () => false);
  bases = await Promise.all([
    issuer.sign({ scope: 'read' }, { alg: 'ES256', expiresIn: '1h' }),
    issuer.sign({ scope: 'read write' }, { alg: 'RS256', expiresIn: '1h' }),
    issuer.sign({ sub: 'alice', aud: [issuer.options.audience as string, 'other'] }, { alg: 'ES256', expiresIn: '1h' }),
  ]);
});
afterAll(() => issuer.close());

function decode(segment: string | undefined): unknown {
  try {
    return JSON.parse(Buffer.from(segment ?? '', 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

function isCanonical(segment: string): boolean {
  return /^[A-Za-z0-9_-]*$/.test(segment) && Buffer.from(segment, 'base64url').toString('base64url') === segment;
}

function hasBomOrBadUtf8(segment: string | undefined): boolean {
  const bytes = Buffer.from(segment ?? '', 'base64url');
  try {
    new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return true;
  }
  return bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
}

/** The check (if any) where core is deliberately stricter than jose and that this token trips. */
function stricterCheck(token: string): string | undefined {
  const parts = token.split('.');
  if (token.length > 8192) return 'token over maxTokenSize';
  if (parts.length === 3 && !parts.every(isCanonical)) return 'non-canonical base64url';
  if (parts.slice(0, 2).some(hasBomOrBadUtf8)) return 'BOM or invalid UTF-8';
  const header = decode(parts[0]) as Record<string, unknown> | undefined;
  const claims = decode(parts[1]) as Record<string, unknown> | undefined;
  if (header?.crit !== undefined) return 'crit present';
  if (header?.kid !== undefined && typeof header.kid !== 'string') return 'kid not a string';
  if (claims === undefined || typeof claims !== 'object') return undefined;
  if (['exp', 'nbf', 'iat'].some((name) => typeof claims[name] === 'number' && !Number.isFinite(claims[name]))) return 'non-finite NumericDate';
  if (typeof claims.iat === 'number' && claims.iat > Date.now() / 1000 + TOLERANCE) return 'iat in the future';
  if ((claims.sub !== undefined && typeof claims.sub !== 'string') || (claims.jti !== undefined && typeof claims.jti !== 'string')) return 'sub/jti not a string';
  if (Array.isArray(claims.aud) && claims.aud.some((item) => typeof item !== 'string')) return 'aud array with non-strings';
  return undefined;
}

async function agree(token: string): Promise<boolean> {
  // Core reads the token from an Authorization header, whose grammar absorbs spaces and tabs around
  // it (RFC 6750 §2.1); jose is given the same token as that header delivers it.
  const delivered = token.replace(/^[ \t]+|[ \t]+$/g, '');
  const [coreResult, joseValid] = await Promise.all([answer(core, bearer(token)), joseVerify(delivered)]);
  const coreValid = coreResult.status === 200;
  if (!coreValid && ![400, 401].includes(coreResult.status)) return false;
  if (coreValid === joseValid) {
    agreed[coreValid ? 'valid' : 'invalid'] += 1;
    return true;
  }
  if (coreValid) return false; // core more lenient than the reference: never acceptable
  const reason = stricterCheck(token);
  if (reason === undefined) return false;
  excused.set(reason, (excused.get(reason) ?? 0) + 1);
  return true;
}

describe('differential: core vs jose jwtVerify', () => {
  it(`${MUTATED_RUNS} mutations of valid tokens agree`, async () => {
    const arbitrary = fc.tuple(fc.integer({ min: 0, max: 2 }), mutation, mutation, fc.boolean());
    await assertProperty('differential mutations', fc.asyncProperty(arbitrary, async ([base, first, second, twice]) => {
      const once = first.apply(bases[base]!);
      return agree(twice ? second.apply(once) : once);
    }), MUTATED_RUNS, 2);
  });

  const offset = fc.tuple(fc.constantFrom(-1e6, -86_400, -3600, -60, -15, 15, 60, 3600, 86_400, 1e6), fc.constantFrom(0, 0.25, 0.5, 0.999))
    .map(([seconds, fraction]) => ({ kind: 'offset' as const, seconds: seconds + fraction }));
  const weird = fc.constantFrom<unknown>('1700000000', null, true, [1], {}, 0, -1, 1e20);
  const time = fc.oneof({ arbitrary: offset, weight: 4 }, { arbitrary: weird.map((value) => ({ kind: 'raw' as const, value })), weight: 1 });
  const omitted = fc.constant({ kind: 'omit' as const });

  const claimPlan = fc.record({
    iss: fc.oneof({ arbitrary: fc.constant('right'), weight: 6 }, fc.constantFrom<unknown>('https://evil.example', ['right'], 42, null, 'omit', 'right/')),
    aud: fc.oneof({ arbitrary: fc.constant('right'), weight: 6 }, fc.constantFrom<unknown>(['right'], ['x', 'right'], ['x'], ['right', 1], '', [], null, 'omit', 'other')),
    exp: fc.oneof({ arbitrary: offset, weight: 5 }, time, omitted),
    nbf: fc.oneof({ arbitrary: omitted, weight: 4 }, time),
    iat: fc.oneof({ arbitrary: offset, weight: 3 }, time, omitted),
    sub: fc.oneof({ arbitrary: fc.constant<unknown>('alice'), weight: 4 }, fc.constantFrom<unknown>(42, {}, null, 'omit')),
    jti: fc.oneof({ arbitrary: fc.constant<unknown>('omit'), weight: 4 }, fc.constantFrom<unknown>('id-1', 1, [])),
    alg: fc.constantFrom<'ES256' | 'RS256'>('ES256', 'ES256', 'RS256'),
    header: fc.oneof({ arbitrary: fc.constant<Record<string, unknown>>({}), weight: 6 }, fc.constantFrom<Record<string, unknown>>(
      { crit: ['b64'], b64: true }, { typ: 'JWT' }, { kid: 7 }, { jku: 'http://127.0.0.1:1/' }, { b64: false }, { kid: 'unknown' },
    )),
  });

  function materialise(plan: Record<string, unknown>): Record<string, unknown> {
    const now = Date.now() / 1000;
    const claims: Record<string, unknown> = {};
    for (const name of ['iss', 'aud', 'sub', 'jti']) {
      const value = plan[name];
      const resolved = value === 'right' ? (name === 'iss' ? issuer.url : issuer.options.audience)
        : value === 'right/' ? `${issuer.url}/` : Array.isArray(value) ? value.map((item) => (item === 'right' ? issuer.options.audience : item)) : value;
      claims[name] = resolved === 'omit' ? undefined : resolved;
    }
    for (const name of ['exp', 'nbf', 'iat']) {
      const value = plan[name] as { kind: string; seconds?: number; value?: unknown };
      claims[name] = value.kind === 'omit' ? undefined : value.kind === 'offset' ? now + value.seconds! : value.value;
    }
    return claims;
  }

  it(`${SIGNED_RUNS} genuinely signed tokens with random claims and header parameters agree`, async () => {
    await assertProperty('differential signed claims', fc.asyncProperty(claimPlan, async (plan) => {
      const options: SignOptions = { alg: plan.alg, header: plan.header };
      const token = await issuer.sign(materialise(plan), options);
      return agree(token);
    }), SIGNED_RUNS, 3);
    expect(agreed.valid).toBeGreaterThan(100);
  });

  it('reports the agreement and the excused stricter checks', () => {
    expect(agreed.valid + agreed.invalid + [...excused.values()].reduce((a, b) => a + b, 0)).toBe(MUTATED_RUNS + SIGNED_RUNS);
    console.log(`differential (seed ${process.env.FUZZ_SEED ?? 'default'}): agreed valid ${agreed.valid}, agreed invalid ${agreed.invalid}; core stricter (excused): ${JSON.stringify(Object.fromEntries(excused))}`);
  });
});
