import { createPublicKey, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import { importJWK, type CryptoKey, type JWK } from 'jose';
import { createTestIssuer, type TestIssuer } from '@portcullis/testing';
import { BENCH_ALGS, type BenchAlg } from './options.js';

/** Everything the in-process and HTTP sections need for one algorithm. */
export interface AlgFixture {
  alg: BenchAlg;
  /** Pre-minted, pairwise distinct valid tokens (differing `sub` and `jti`). */
  distinct: string[];
  /**
   * One valid token, sent again and again in the "repeated token" rows. It is `distinct[0]`, so a
   * token cache that holds exactly the distinct set (core's default holds 10,000) is not pushed over
   * its size by the repeated rows: one extra token would make an LRU miss on every access of a cyclic
   * pass.
   */
  repeated: string;
  /** A token whose signature was altered: every implementation must reject it. */
  tampered: string;
  /** The verification key as node:crypto wants it (public key, or secret key for HS256). */
  keyObject: KeyObject;
  /** The verification key as jose wants it, imported once. */
  joseKey: CryptoKey | Uint8Array;
  /** `kid` of the signing key (undefined for HS256). */
  kid: string | undefined;
}

/** A running test issuer plus per-algorithm token sets. */
export interface Fixture {
  issuer: TestIssuer;
  issuerUrl: string;
  audience: string;
  jwksUri: string;
  /**
   * The HS256 shared secret, given to the issuer. ASCII, so every peer accepts it as a string
   * (express-oauth2-jwt-bearer takes only strings).
   */
  secret: string;
  algs: Map<BenchAlg, AlgFixture>;
}

/** Token lifetime: longer than any full run, so no token expires mid-benchmark. */
export const TOKEN_LIFETIME = '3h';
const ASYMMETRIC = ['RS256', 'PS256', 'ES256', 'EdDSA'] as const;

/**
 * Starts a test issuer with one key per asymmetric algorithm and mints `count` distinct tokens per
 * algorithm. Minting runs before the process is pinned, so WebCrypto may use both cores.
 *
 * @example
 * const fixture = await createFixture(10_000, ['RS256', 'HS256']);
 */
export async function createFixture(count: number, algs: readonly BenchAlg[] = BENCH_ALGS): Promise<Fixture> {
  const secret = randomBytes(48).toString('base64url');
  const issuer = await createTestIssuer({ algorithms: [...ASYMMETRIC], secret });
  const jwks = (await (await fetch(issuer.jwksUri)).json()) as { keys: JWK[] };
  const fixture: Fixture = {
    issuer,
    issuerUrl: issuer.url,
    audience: firstAudience(issuer.options.audience),
    jwksUri: issuer.jwksUri,
    secret,
    algs: new Map(),
  };
  for (const alg of algs) {
    fixture.algs.set(alg, await createAlgFixture(issuer, jwks.keys, secret, alg, count));
  }
  return fixture;
}

async function createAlgFixture(
  issuer: TestIssuer,
  keys: JWK[],
  secret: string,
  alg: BenchAlg,
  count: number,
): Promise<AlgFixture> {
  const distinct = await mintMany(issuer, alg, count);
  const repeated = distinct[0]!;
  if (alg === 'HS256') {
    const bytes = new TextEncoder().encode(secret);
    return { alg, distinct, repeated, tampered: tamper(repeated), keyObject: createSecretKey(bytes), joseKey: bytes, kid: undefined };
  }
  const kid = headerOf(repeated).kid;
  const jwk = keys.find((k) => k.kid === kid);
  if (!jwk) throw new Error(`the issuer's JWKS has no key ${String(kid)} for ${alg}`);
  const keyObject = createPublicKey({ key: jwk as never, format: 'jwk' });
  const joseKey = (await importJWK(jwk, alg)) as CryptoKey;
  return { alg, distinct, repeated, tampered: tamper(repeated), keyObject, joseKey, kid };
}

/**
 * Mints `count` distinct tokens, 64 signatures in flight at a time.
 *
 * @example
 * const tokens = await mintMany(issuer, 'ES256', 200);
 */
export async function mintMany(issuer: TestIssuer, alg: BenchAlg, count: number): Promise<string[]> {
  const out: string[] = new Array(count);
  for (let start = 0; start < count; start += 64) {
    const batch: Promise<void>[] = [];
    for (let i = start; i < Math.min(count, start + 64); i++) {
      batch.push(mint(issuer, alg, i).then((t) => void (out[i] = t)));
    }
    await Promise.all(batch);
  }
  return out;
}

function mint(issuer: TestIssuer, alg: BenchAlg, i: number): Promise<string> {
  const claims = { sub: `user-${i}`, scope: 'read:data' };
  return issuer.sign(claims, { alg, expiresIn: TOKEN_LIFETIME });
}

/**
 * Flips one base64url character in the middle of the signature — still well-formed, never valid.
 *
 * @example
 * tamper('a.b.AAAA'); // 'a.b.AABA'
 */
export function tamper(token: string): string {
  const dot = token.lastIndexOf('.');
  const at = dot + Math.floor((token.length - dot) / 2);
  const swapped = token[at] === 'A' ? 'B' : 'A';
  return token.slice(0, at) + swapped + token.slice(at + 1);
}

/** The decoded protected header of a compact JWS. */
export function headerOf(token: string): { alg?: string; kid?: string } {
  return JSON.parse(Buffer.from(token.slice(0, token.indexOf('.')), 'base64url').toString('utf8'));
}

function firstAudience(audience: string | string[]): string {
  const first = Array.isArray(audience) ? audience[0] : audience;
  if (first === undefined) throw new Error('the test issuer has no audience');
  return first;
}
