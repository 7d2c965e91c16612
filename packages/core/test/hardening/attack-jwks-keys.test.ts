/**
 * Keys in a JWKS that must never verify anything: RSA under 2048 bits or with e = 1 or an even e,
 * private or symmetric members (RFC 7517 §9.2 — a JWKS is public), `use`/`key_ops` other than
 * signature verification (RFC 7517 §4.2–4.3), `alg` that does not fit the key type or curve
 * (RFC 8725 §3.1), and `kid`s shared by several keys. Each is checked twice: at the key filter
 * (`importJwks`, with the reason it gives) and end to end through `issuer.setJwks`.
 */
import { constants, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import type { JWK } from 'jose';
import { createTestIssuer, type TestIssuer } from '@portcullis/testing';
import { ASYMMETRIC_ALGORITHMS, createAuthenticator } from '@portcullis/core';
import { importJwks, type SkipReason } from '../../src/jwk-import.js';
import { DIGEST_INFO, answer, b64u, bearer, claimsFor, createRawSigner, expectInvalidToken, expectUnavailable, pkcs1Encode, sha256, type RawSigner } from './support.js';

const ALLOWED = new Set<string>(ASYMMETRIC_ALGORITHMS);

interface KeyCase {
  jwk: JWK;
  alg: string;
  /** Produces the signature bytes over the signing input (for e = 1, the encoded message itself). */
  signature(input: string): Buffer;
}

function rsaPair(modulusLength: number, publicExponent = 65537): { privateKey: KeyObject; jwk: JWK } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength, publicExponent });
  return { privateKey, jwk: publicKey.export({ format: 'jwk' }) as JWK };
}

function ecPair(namedCurve = 'P-256'): { privateKey: KeyObject; jwk: JWK } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve });
  return { privateKey, jwk: publicKey.export({ format: 'jwk' }) as JWK };
}

const rsaSign = (key: KeyObject) => (input: string): Buffer => sign('sha256', Buffer.from(input), { key, padding: constants.RSA_PKCS1_PADDING });
const ecSign = (key: KeyObject) => (input: string): Buffer => sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });

const rsa2048 = rsaPair(2048);
const ec256 = ecPair();

const CASES: Array<[string, SkipReason, () => KeyCase]> = [
  ['RSA 1024 bits', 'weak_key', () => {
    const pair = rsaPair(1024);
    return { jwk: { ...pair.jwk, kid: 'rsa-1024', alg: 'RS256', use: 'sig' }, alg: 'RS256', signature: rsaSign(pair.privateKey) };
  }],
  ['RSA 2040 bits', 'weak_key', () => {
    const pair = rsaPair(2040);
    return { jwk: { ...pair.jwk, kid: 'rsa-2040', alg: 'RS256' }, alg: 'RS256', signature: rsaSign(pair.privateKey) };
  }],
  ['RSA with e = 1 (every message is its own signature)', 'weak_key', () => ({
    jwk: { kty: 'RSA', n: rsa2048.jwk.n, e: 'AQ', kid: 'rsa-e1', alg: 'RS256' },
    alg: 'RS256',
    signature: (input) => pkcs1Encode(256, Buffer.concat([DIGEST_INFO.sha256, sha256(input)])),
  })],
  ['RSA with an even exponent', 'weak_key', () => ({
    jwk: { kty: 'RSA', n: rsa2048.jwk.n, e: 'AQAA', kid: 'rsa-even', alg: 'RS256' }, alg: 'RS256', signature: rsaSign(rsa2048.privateKey),
  })],
  ['RSA with its private members', 'private_key', () => ({
    jwk: { ...(rsa2048.privateKey.export({ format: 'jwk' }) as JWK), kid: 'rsa-private', alg: 'RS256' }, alg: 'RS256', signature: rsaSign(rsa2048.privateKey),
  })],
  ['EC with d', 'private_key', () => ({
    jwk: { ...(ec256.privateKey.export({ format: 'jwk' }) as JWK), kid: 'ec-private', alg: 'ES256' }, alg: 'ES256', signature: ecSign(ec256.privateKey),
  })],
  ['a public EC key with a stray "d" member', 'private_key', () => ({
    jwk: { ...ec256.jwk, d: 'AA', kid: 'ec-d', alg: 'ES256' }, alg: 'ES256', signature: ecSign(ec256.privateKey),
  })],
  ['use "enc"', 'not_for_signing', () => ({ jwk: { ...ec256.jwk, kid: 'ec-enc', use: 'enc' }, alg: 'ES256', signature: ecSign(ec256.privateKey) })],
  ['key_ops ["encrypt"]', 'not_for_signing', () => ({ jwk: { ...ec256.jwk, kid: 'ec-ops', key_ops: ['encrypt'] }, alg: 'ES256', signature: ecSign(ec256.privateKey) })],
  ['key_ops ["sign"] (a private operation)', 'not_for_signing', () => ({ jwk: { ...ec256.jwk, kid: 'ec-sign-op', key_ops: ['sign'] }, alg: 'ES256', signature: ecSign(ec256.privateKey) })],
  ['key_ops as a string', 'not_for_signing', () => ({ jwk: { ...ec256.jwk, kid: 'ec-ops-str', key_ops: 'verify' as never }, alg: 'ES256', signature: ecSign(ec256.privateKey) })],
  ['an EC key labelled RS256', 'unsupported', () => ({ jwk: { ...ec256.jwk, kid: 'ec-as-rs', alg: 'RS256' }, alg: 'ES256', signature: ecSign(ec256.privateKey) })],
  ['an RSA key labelled ES256', 'unsupported', () => ({ jwk: { ...rsa2048.jwk, kid: 'rs-as-es', alg: 'ES256' }, alg: 'RS256', signature: rsaSign(rsa2048.privateKey) })],
  ['an RSA key labelled HS256', 'unsupported', () => ({ jwk: { ...rsa2048.jwk, kid: 'rs-as-hs', alg: 'HS256' }, alg: 'RS256', signature: rsaSign(rsa2048.privateKey) })],
  ['an RSA key labelled RSA-OAEP', 'unsupported', () => ({ jwk: { ...rsa2048.jwk, kid: 'rs-oaep', alg: 'RSA-OAEP' }, alg: 'RS256', signature: rsaSign(rsa2048.privateKey) })],
  ['an EC key labelled none', 'unsupported', () => ({ jwk: { ...ec256.jwk, kid: 'ec-none', alg: 'none' }, alg: 'ES256', signature: ecSign(ec256.privateKey) })],
  ['a P-256 key labelled ES384', 'unsupported', () => ({ jwk: { ...ec256.jwk, kid: 'p256-es384', alg: 'ES384' }, alg: 'ES256', signature: ecSign(ec256.privateKey) })],
  ['P-256 coordinates under crv P-384', 'invalid', () => ({ jwk: { ...ec256.jwk, crv: 'P-384', kid: 'crv-lie' }, alg: 'ES384', signature: ecSign(ec256.privateKey) })],
  ['an X25519 (key agreement) key', 'unsupported', () => {
    const { publicKey } = generateKeyPairSync('x25519');
    return { jwk: { ...(publicKey.export({ format: 'jwk' }) as JWK), kid: 'x25519' }, alg: 'EdDSA', signature: () => Buffer.alloc(64) };
  }],
  ['a symmetric (oct) key', 'private_key', () => ({ jwk: { kty: 'oct', k: b64u(Buffer.alloc(32, 1)), kid: 'oct', alg: 'HS256' }, alg: 'HS256', signature: () => Buffer.alloc(32) })],
];

let issuer: TestIssuer;
let good: RawSigner;

beforeAll(async () => {
  issuer = await createTestIssuer();
  good = createRawSigner('ES256', 'good-key');
});
afterAll(() => issuer.close());

function tokenFor(keyCase: KeyCase): string {
  const input = `${b64u({ alg: keyCase.alg, kid: keyCase.jwk.kid })}.${b64u(claimsFor(issuer.url, issuer.options.audience, { scope: 'admin' }))}`;
  return `${input}.${keyCase.signature(input).toString('base64url')}`;
}

async function check(keys: JWK[], tokenText: string) {
  issuer.setJwks({ keys });
  return answer(createAuthenticator({ ...issuer.options, tokenCache: false, jwks: { timeout: 1 } }), bearer(tokenText));
}

describe.each(CASES)('%s', (_name, reason, build) => {
  const keyCase = build();

  it(`is refused by the key filter (${reason})`, async () => {
    const { keys, skipped } = await importJwks({ keys: [keyCase.jwk] }, ALLOWED);
    expect(keys).toHaveLength(0);
    expect(skipped).toEqual([reason]);
  });

  it('alone in the JWKS: never 2xx — 503 + Retry-After (nothing usable), or 401 if the alg is refused first', async () => {
    const result = await check([keyCase.jwk], tokenFor(keyCase));
    if (ALLOWED.has(keyCase.alg)) expectUnavailable(result);
    else expect(expectInvalidToken(result)).toBe('algorithm not allowed');
  });

  it('beside a good key: its tokens are 401, the good key still works', async () => {
    expectInvalidToken(await check([keyCase.jwk, good.jwk], tokenFor(keyCase)));
    const genuine = good.sign({ alg: 'ES256', kid: good.kid }, claimsFor(issuer.url, issuer.options.audience));
    expect((await check([keyCase.jwk, good.jwk], genuine)).status).toBe(200);
  });
});

describe('duplicate kids', () => {
  const first = createRawSigner('ES256', 'shared');
  const second = createRawSigner('ES256', 'shared');
  const signed = (signer: RawSigner): string => signer.sign({ alg: 'ES256', kid: 'shared' }, claimsFor(issuer.url, issuer.options.audience));

  it('both keys are refused by the key filter', async () => {
    const { keys, skipped } = await importJwks({ keys: [first.jwk, second.jwk, good.jwk] }, ALLOWED);
    expect(keys.map((key) => key.kid)).toEqual(['good-key']);
    expect(skipped).toEqual(['duplicate_kid', 'duplicate_kid']);
  });

  it('tokens of either are 401 beside a good key, and 503 when nothing else is published', async () => {
    expectInvalidToken(await check([first.jwk, second.jwk, good.jwk], signed(first)));
    expectInvalidToken(await check([first.jwk, second.jwk, good.jwk], signed(second)));
    expectUnavailable(await check([first.jwk, second.jwk], signed(first)));
  });
});

describe('controls: the filter does not over-refuse', () => {
  it.each([
    ['RSA 2048 with e = 65537', () => rsaPair(2048)],
    ['RSA 2048 with e = 3', () => rsaPair(2048, 3)],
    ['RSA 3072', () => rsaPair(3072)],
  ])('%s is accepted end to end', async (_name, pair) => {
    const { privateKey, jwk } = pair();
    const keyCase: KeyCase = { jwk: { ...jwk, kid: 'ok', alg: 'RS256', use: 'sig', key_ops: ['verify'] }, alg: 'RS256', signature: rsaSign(privateKey) };
    expect((await check([keyCase.jwk], tokenFor(keyCase))).status).toBe(200);
  });
});
