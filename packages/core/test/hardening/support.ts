/**
 * Shared pieces of the hardening suite: the exact challenge shapes every answer must have, a way to
 * collect an authenticator's answer as plain data, and a raw signer that signs arbitrary header and
 * payload BYTES (duplicate names, BOMs, invalid UTF-8, non-object payloads) — things no JWT library
 * will produce — with keys published through a test issuer's `setJwks`.
 */
import { constants, createHash, generateKeyPairSync, privateEncrypt, sign, type KeyObject } from 'node:crypto';
import type { JWK } from 'jose';
import { isAuthError, type AuthContext, type Authenticator, type RequestLike } from '@portcullis/core';

/** RFC 6750 §3 / RFC 6749 §5.2: the description is limited to %x20-21 / %x23-5B / %x5D-7E. */
export const INVALID_TOKEN_CHALLENGE = /^Bearer error="invalid_token", error_description="[\x20\x21\x23-\x5b\x5d-\x7e]*"$/;
export const INVALID_REQUEST_CHALLENGE = 'Bearer error="invalid_request"';
export const BARE_CHALLENGE = 'Bearer realm="api"';

/** What an authenticator answered, as data. */
export interface Answer {
  status: number;
  challenge?: string;
  retryAfter?: string;
  description?: string;
  auth?: AuthContext;
}

/** Runs the authenticator; a rejection that is not an AuthError fails the test (that would be a 500). */
export async function answer(authenticate: Authenticator, request: RequestLike): Promise<Answer> {
  try {
    return { status: 200, auth: await authenticate(request) };
  } catch (err) {
    if (!isAuthError(err)) throw new Error(`not an AuthError (would answer 500): ${String(err)}`);
    return { status: err.status, challenge: err.headers['WWW-Authenticate'], retryAfter: err.headers['Retry-After'], description: err.message };
  }
}

export function bearer(token: string): RequestLike {
  return { headers: { authorization: `Bearer ${token}` }, method: 'GET', url: '/' };
}

/** Asserts 401 `invalid_token` with a well-formed challenge; returns the description. */
export function expectInvalidToken(result: Answer): string {
  expect(result.auth).toBeUndefined();
  expect(result.status).toBe(401);
  expect(result.challenge).toMatch(INVALID_TOKEN_CHALLENGE);
  return result.description!;
}

export function expectInvalidRequest(result: Answer): void {
  expect(result.auth).toBeUndefined();
  expect(result.status).toBe(400);
  expect(result.challenge).toBe(INVALID_REQUEST_CHALLENGE);
}

export function expectUnavailable(result: Answer): void {
  expect(result.auth).toBeUndefined();
  expect(result.status).toBe(503);
  expect(result.retryAfter).toMatch(/^[1-9]\d*$/);
  expect(result.challenge).toBe(BARE_CHALLENGE);
}

/** Checks any answer's challenge against the shape its status demands (used by the fuzzers). */
export function challengeIsWellFormed(status: number, challenge: string | undefined, retryAfter?: string): boolean {
  switch (status) {
    case 400:
      return challenge === INVALID_REQUEST_CHALLENGE;
    case 401:
      return challenge === BARE_CHALLENGE || INVALID_TOKEN_CHALLENGE.test(challenge ?? '');
    case 403:
      return /^Bearer error="insufficient_scope", scope="[\x20\x21\x23-\x5b\x5d-\x7e]+"$/.test(challenge ?? '');
    case 503:
      return challenge === BARE_CHALLENGE && /^[1-9]\d*$/.test(retryAfter ?? '');
    default:
      return false;
  }
}

/** base64url of bytes, of a string's UTF-8, or of a value's JSON. */
export function b64u(value: Buffer | Uint8Array | string | object): string {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64url');
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value), 'utf8').toString('base64url');
}

export const now = (): number => Math.floor(Date.now() / 1000);

export type RawAlg = 'ES256' | 'RS256' | 'PS256';

/** A key pair of our own, for tokens whose bytes no JWT library would produce. */
export interface RawSigner {
  alg: RawAlg;
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** The public JWK as a JWKS would publish it (`kid`, `alg`, `use: 'sig'`). */
  jwk: JWK;
  /** Signs `header.payload`, each given as raw bytes, a raw JSON text (string) or a value to serialise. */
  sign(header: Buffer | string | object, payload: Buffer | string | object): string;
  /** Signs an already-encoded signing input. */
  signInput(signingInput: string): string;
}

function signBytes(alg: RawAlg, key: KeyObject, data: Buffer): Buffer {
  if (alg === 'ES256') return sign('sha256', data, { key, dsaEncoding: 'ieee-p1363' });
  if (alg === 'PS256') return sign('sha256', data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });
  return sign('sha256', data, { key, padding: constants.RSA_PKCS1_PADDING });
}

/** Raw-text JSON segments are passed as strings; this keeps them byte-exact. */
function segment(value: Buffer | string | object): string {
  if (Buffer.isBuffer(value)) return value.toString('base64url');
  if (typeof value === 'string') return Buffer.from(value, 'utf8').toString('base64url');
  return b64u(value);
}

export function createRawSigner(alg: RawAlg, kid: string, options: { modulusLength?: number; publicExponent?: number } = {}): RawSigner {
  const pair = alg === 'ES256'
    ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
    : generateKeyPairSync('rsa', { modulusLength: options.modulusLength ?? 2048, publicExponent: options.publicExponent ?? 65537 });
  const jwk = { ...(pair.publicKey.export({ format: 'jwk' }) as JWK), kid, alg, use: 'sig' };
  const signInput = (input: string): string => `${input}.${signBytes(alg, pair.privateKey, Buffer.from(input, 'latin1')).toString('base64url')}`;
  return {
    alg,
    kid,
    privateKey: pair.privateKey,
    publicKey: pair.publicKey,
    jwk,
    signInput,
    sign: (header, payload) => signInput(`${segment(header)}.${segment(payload)}`),
  };
}

/** Standard claims for `iss`/`aud`, valid for five minutes, plus `extra`. */
export function claimsFor(iss: string, aud: string | string[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  const t = now();
  return { iss, aud, sub: 'forged-user', iat: t, exp: t + 300, ...extra };
}

/** DER DigestInfo prefixes (RFC 8017 §9.2 note 1). */
export const DIGEST_INFO = {
  sha1: Buffer.from('3021300906052b0e03021a05000414', 'hex'),
  sha256: Buffer.from('3031300d060960864801650304020105000420', 'hex'),
};

/** EMSA-PKCS1-v1_5 encoding (RFC 8017 §9.2) of `digestInfo`, for a modulus of `k` bytes. */
export function pkcs1Encode(k: number, digestInfo: Buffer, blockType = 0x01, fill = 0xff): Buffer {
  const ps = Buffer.alloc(k - 3 - digestInfo.length, fill);
  return Buffer.concat([Buffer.from([0x00, blockType]), ps, Buffer.from([0x00]), digestInfo]);
}

/** The raw RSA private operation on an encoded message: a "signature" whose padding we chose. */
export function rsaRaw(privateKey: KeyObject, encoded: Buffer): Buffer {
  return privateEncrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, encoded);
}

export function sha256(data: string | Buffer): Buffer {
  return createHash('sha256').update(data).digest();
}
