/**
 * `alg: none` (RFC 7519 §6, RFC 8725 §2.1) in every spelling, and other `alg` values that are not on
 * the allow-list. The list is exact and case-sensitive, so every one of these is a 401 before any
 * key is fetched.
 */
import { createTestIssuer, type TestIssuer } from '@portcullis/testing';
import { createAuthenticator, type Authenticator } from '@portcullis/core';
import { answer, b64u, bearer, expectInvalidToken } from './support.js';

let issuer: TestIssuer;
let authenticate: Authenticator;
let payload: string;
let realSignature: string;
let kid: string;

beforeAll(async () => {
  issuer = await createTestIssuer();
  authenticate = createAuthenticator({ ...issuer.options, tokenCache: false });
  const token = await issuer.sign({ scope: 'admin' });
  [, payload, realSignature] = token.split('.') as [string, string, string];
  kid = issuer.currentKid;
});
afterAll(() => issuer.close());

const NONE_SPELLINGS = ['none', 'None', 'NONE', 'nOnE', 'NoNe', 'none ', ' none', 'none\u0000', 'none\t', 'nοne' /* Greek omicron */];

describe('alg none in every spelling', () => {
  it.each(NONE_SPELLINGS)('%j with an empty signature is 401 and costs no JWKS fetch', async (alg) => {
    issuer.resetRequests();
    const description = expectInvalidToken(await answer(authenticate, bearer(`${b64u({ alg, kid })}.${payload}.`)));
    expect(description).toBe('algorithm not allowed');
    expect(issuer.requests.jwks).toBe(0);
  });

  it.each(NONE_SPELLINGS)('%j keeping the real signature is 401', async (alg) => {
    expectInvalidToken(await answer(authenticate, bearer(`${b64u({ alg, kid })}.${payload}.${realSignature}`)));
  });

  it('the testing preset badTokens.unsigned is 401', async () => {
    expectInvalidToken(await answer(authenticate, bearer(await issuer.badTokens.unsigned({ scope: 'admin' }))));
  });

  it.each([
    ['missing alg', { kid }],
    ['null alg', { alg: null, kid }],
    ['empty alg', { alg: '', kid }],
    ['array alg', { alg: ['RS256'], kid }],
    ['object alg', { alg: { name: 'RS256' }, kid }],
    ['numeric alg', { alg: 256, kid }],
    ['lower-case rs256', { alg: 'rs256', kid }],
    ['RS256 with a trailing space', { alg: 'RS256 ', kid }],
    ['HS256 on an asymmetric configuration', { alg: 'HS256', kid }],
    ['unknown ES256K', { alg: 'ES256K', kid }],
  ])('%s is 401', async (_name, header) => {
    expectInvalidToken(await answer(authenticate, bearer(`${b64u(header)}.${payload}.${realSignature}`)));
  });
});

describe('none can never be configured', () => {
  it.each([[['none']], [['None']], [['NONE']], [['RS256', 'none']]])('algorithms %j throws a TypeError at construction', (algorithms) => {
    expect(() => createAuthenticator({ ...issuer.options, algorithms })).toThrow(TypeError);
  });

  it('an HMAC configuration refuses alg none too', async () => {
    const hmac = createAuthenticator({ issuer: issuer.url, audience: issuer.options.audience, secret: issuer.secret });
    const hs = await issuer.sign({}, { alg: 'HS256' });
    await expect(hmac(bearer(hs))).resolves.toMatchObject({ type: 'jwt' });
    const [, hsPayload] = hs.split('.');
    expectInvalidToken(await answer(hmac, bearer(`${b64u({ alg: 'none' })}.${hsPayload}.`)));
  });
});
