/**
 * Algorithm confusion (RFC 8725 §2.1, §3.1): an HMAC token keyed with the issuer's PUBLIC key, in
 * every encoding a confused verifier might use as the secret — the bypasses of jsonwebtoken
 * (CVE-2022-23541) and fast-jwt (CVE-2023-48223 and the later variants with leading whitespace,
 * PKCS#1 and CRLF PEMs). portcullis binds each JWKS key to its own asymmetric algorithms and never
 * allows HS* without a configured `secret`, so every one is 401.
 */
import { createHmac, createPublicKey } from 'node:crypto';
import type { JWK } from 'jose';
import { createTestIssuer, type TestIssuer } from '@portcullis/testing';
import { createAuthenticator, type Authenticator } from '@portcullis/core';
import { answer, b64u, bearer, claimsFor, expectInvalidToken } from './support.js';

let issuer: TestIssuer;
let other: TestIssuer;
let authenticators: Array<[string, Authenticator]>;

beforeAll(async () => {
  issuer = await createTestIssuer({ algorithms: ['RS256', 'ES256'] });
  other = await createTestIssuer();
  authenticators = [
    ['default algorithms', createAuthenticator({ ...issuer.options, tokenCache: false })],
    ['algorithms RS256 + ES256', createAuthenticator({ ...issuer.options, tokenCache: false, algorithms: ['RS256', 'ES256'] })],
  ];
  // Both keys are fetched and usable: a genuine token of each kind is accepted first.
  for (const alg of ['RS256', 'ES256'] as const) {
    const token = await issuer.sign({}, { alg });
    for (const [, authenticate] of authenticators) await expect(authenticate(bearer(token))).resolves.toMatchObject({ type: 'jwt' });
  }
});
afterAll(() => Promise.all([issuer.close(), other.close()]));

type Encoding = (jwk: JWK) => Buffer | string | undefined;

const pem = (jwk: JWK, type: 'spki' | 'pkcs1'): string => createPublicKey({ key: jwk as never, format: 'jwk' }).export({ type, format: 'pem' }) as string;
const der = (jwk: JWK, type: 'spki' | 'pkcs1'): Buffer => createPublicKey({ key: jwk as never, format: 'jwk' }).export({ type, format: 'der' });
const rsaOnly = (encode: Encoding): Encoding => (jwk) => (jwk.kty === 'RSA' ? encode(jwk) : undefined);
const keyMembers = (jwk: JWK): JWK => (jwk.kty === 'RSA' ? { kty: jwk.kty, n: jwk.n, e: jwk.e } : { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y });

const ENCODINGS: Array<[string, Encoding]> = [
  ['SPKI PEM', (jwk) => pem(jwk, 'spki')],
  ['SPKI PEM without the trailing newline', (jwk) => pem(jwk, 'spki').trimEnd()],
  ['SPKI PEM with an extra trailing newline', (jwk) => `${pem(jwk, 'spki')}\n`],
  ['SPKI PEM with leading whitespace', (jwk) => `  \n\t${pem(jwk, 'spki')}`],
  ['SPKI PEM with CRLF line endings', (jwk) => pem(jwk, 'spki').replace(/\n/g, '\r\n')],
  ['SPKI PEM body without armour', (jwk) => pem(jwk, 'spki').split('\n').filter((line) => line && !line.startsWith('-----')).join('')],
  ['PKCS#1 PEM', rsaOnly((jwk) => pem(jwk, 'pkcs1'))],
  ['PKCS#1 PEM without the trailing newline', rsaOnly((jwk) => pem(jwk, 'pkcs1').trimEnd())],
  ['PKCS#1 PEM with leading whitespace', rsaOnly((jwk) => ` ${pem(jwk, 'pkcs1')}`)],
  ['SPKI DER', (jwk) => der(jwk, 'spki')],
  ['PKCS#1 DER', rsaOnly((jwk) => der(jwk, 'pkcs1'))],
  ['the published JWK as JSON', (jwk) => JSON.stringify(jwk)],
  ['the JWK key members as JSON', (jwk) => JSON.stringify(keyMembers(jwk))],
  ['the raw modulus or EC point', (jwk) => (jwk.kty === 'RSA'
    ? Buffer.from(jwk.n!, 'base64url')
    : Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]))],
  ['the base64url text of n or x', (jwk) => (jwk.kty === 'RSA' ? jwk.n! : jwk.x!)],
];

function hmacToken(alg: 'HS256' | 'HS384' | 'HS512', secret: Buffer | string, kid: string | undefined): string {
  const header = kid === undefined ? { alg, typ: 'at+jwt' } : { alg, typ: 'at+jwt', kid };
  const input = `${b64u(header)}.${b64u(claimsFor(issuer.url, issuer.options.audience, { scope: 'admin' }))}`;
  return `${input}.${createHmac(`sha${alg.slice(2)}`, secret).update(input).digest('base64url')}`;
}

// PKCS#1 exists only for RSA keys, so those encodings are not paired with the EC key.
const cases = ENCODINGS.flatMap(([name, encode]) => (['RSA', 'EC'] as const)
  .filter((kty) => kty === 'RSA' || !name.startsWith('PKCS#1'))
  .map((kty) => [`${kty} key as ${name}`, kty, encode] as const));

describe('HS* keyed with the issuer public key', () => {
  it.each(cases)('%s: HS256/384/512, with and without kid, is 401 on every asymmetric configuration', async (_name, kty, encode) => {
    const jwk = issuer.jwks().keys.find((key) => key.kty === kty)!;
    const secret = encode(jwk);
    expect(secret).toBeDefined();
    let checked = 0;
    for (const alg of ['HS256', 'HS384', 'HS512'] as const) {
      for (const kid of [jwk.kid, undefined]) {
        for (const [, authenticate] of authenticators) {
          const description = expectInvalidToken(await answer(authenticate, bearer(hmacToken(alg, secret!, kid))));
          expect(description).toBe('algorithm not allowed');
          checked += 1;
        }
      }
    }
    expect(checked).toBe(12);
  });

  it('the testing preset badTokens.keyConfusion is 401', async () => {
    for (const [, authenticate] of authenticators) expectInvalidToken(await answer(authenticate, bearer(await issuer.badTokens.keyConfusion())));
  });
});

describe('the configuration cannot be talked into HMAC with public keys', () => {
  it.each([
    ['HS256 among the algorithms without a secret', { algorithms: ['RS256', 'HS256'] }],
    ['only HS256 without a secret', { algorithms: ['HS256'] }],
    ['a secret together with a jwksUri', { secret: 'x'.repeat(32) }],
    ['a secret together with RS256', { secret: 'x'.repeat(32), algorithms: ['RS256'], jwksUri: undefined }],
  ])('%s throws a TypeError', (_name, extra) => {
    expect(() => createAuthenticator({ ...issuer.options, ...extra })).toThrow(TypeError);
  });

  it('a JWKS that publishes the PEM as a symmetric (oct) key has it refused: 503, nothing usable', async () => {
    const rsaPem = pem(issuer.jwks().keys.find((key) => key.kty === 'RSA')!, 'spki');
    other.setJwks({ keys: [{ kty: 'oct', kid: 'pem-as-secret', alg: 'HS256', k: Buffer.from(rsaPem).toString('base64url') }] });
    const authenticate = createAuthenticator({ ...other.options, algorithms: ['RS256'] });
    const input = `${b64u({ alg: 'HS256', kid: 'pem-as-secret' })}.${b64u(claimsFor(other.url, other.options.audience))}`;
    const forged = `${input}.${createHmac('sha256', rsaPem).update(input).digest('base64url')}`;
    expectInvalidToken(await answer(authenticate, bearer(forged)));
    const rs = `${b64u({ alg: 'RS256', kid: 'pem-as-secret' })}.${b64u(claimsFor(other.url, other.options.audience))}.AAAA`;
    const result = await answer(authenticate, bearer(rs));
    expect(result.status).toBe(503);
    expect(result.retryAfter).toMatch(/^\d+$/);
  });
});
