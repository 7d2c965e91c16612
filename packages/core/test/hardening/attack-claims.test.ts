/**
 * Claim attacks on genuinely signed tokens (RFC 7519 §4.1, §7.2): NumericDates as strings, floats,
 * non-finite values (`1e400` parses to Infinity), huge and negative values; `iss` as an array that
 * contains the right issuer (a fast-jwt advisory); `aud` shapes; payloads that are not JSON objects
 * (another fast-jwt advisory: such payloads skipped every claim check). The signature is always
 * valid here, so only the claim rules stand between the token and a 2xx.
 */
import { createTestIssuer, type TestIssuer } from '@portcullis/testing';
import { createAuthenticator, type Authenticator } from '@portcullis/core';
import { answer, bearer, createRawSigner, expectInvalidToken, now, type RawSigner } from './support.js';

let forge: TestIssuer;
let signer: RawSigner;
let authenticate: Authenticator;
let cached: Authenticator;
let iss: string;
let aud: string;

beforeAll(async () => {
  forge = await createTestIssuer();
  signer = createRawSigner('ES256', 'claims-key');
  forge.setJwks({ keys: [signer.jwk] });
  authenticate = createAuthenticator({ ...forge.options, tokenCache: false });
  cached = createAuthenticator(forge.options);
  iss = forge.url;
  aud = forge.options.audience as string;
});
afterAll(() => forge.close());

/** Signs a payload given as an object or as raw JSON text (for `1e400`, which no serializer emits). */
function token(payload: Record<string, unknown> | string): string {
  return signer.sign({ alg: 'ES256', kid: signer.kid }, payload);
}

/** A payload with the given members replacing the defaults; `undefined` removes one. */
function payload(members: Record<string, unknown>): Record<string, unknown> {
  const t = now();
  const all: Record<string, unknown> = { iss, aud, sub: 'mallory', iat: t, exp: t + 300, ...members };
  for (const key of Object.keys(all)) if (all[key] === undefined) delete all[key];
  return all;
}

/** Raw JSON text with `member` set to the literal `rawValue`. */
function rawPayload(member: string, rawValue: string): string {
  const base = payload({ [member]: undefined });
  return `${JSON.stringify(base).slice(0, -1)},"${member}":${rawValue}}`;
}

async function expectAccepted(tokenText: string, via: Authenticator = authenticate): Promise<void> {
  const result = await answer(via, bearer(tokenText));
  expect(result.status).toBe(200);
  expect(result.auth?.type).toBe('jwt');
}

describe('exp', () => {
  it.each([
    ['a numeric string', '9999999999'],
    ['an ISO date string', '2999-01-01T00:00:00Z'],
    ['true', true],
    ['null', null],
    ['an array', [9999999999]],
    ['an object', { $gt: 0 }],
    ['0', 0],
    ['negative', -1],
    ['a past float', now() - 100.25],
  ])('as %s is 401', async (_name, exp) => {
    expectInvalidToken(await answer(authenticate, bearer(token(payload({ exp })))));
  });

  it('missing is 401 (RFC 9068 §2.2 makes it required)', async () => {
    expect(expectInvalidToken(await answer(authenticate, bearer(token(payload({ exp: undefined })))))).toBe('missing exp claim');
  });

  it.each([['1e400 (Infinity)', '1e400'], ['-1e400 (-Infinity)', '-1e400'], ['"NaN"', '"NaN"'], ['"Infinity"', '"Infinity"']])(
    'as %s is 401', async (_name, raw) => {
      expect(expectInvalidToken(await answer(authenticate, bearer(token(rawPayload('exp', raw)))))).toBe('malformed exp claim');
    },
  );

  it.each([['a future float', () => now() + 300.5], ['1e20', () => 1e20], ['MAX_SAFE_INTEGER', () => Number.MAX_SAFE_INTEGER], ['the largest double', () => Number.MAX_VALUE]])(
    'as %s is accepted — and again from the token cache — with no overflow', async (_name, exp) => {
      const text = token(payload({ exp: exp() }));
      await expectAccepted(text);
      await expectAccepted(text, cached);
      await expectAccepted(text, cached);
    },
  );
});

describe('nbf', () => {
  it.each([
    ['a numeric string', String(now())],
    ['null', null],
    ['a future float', now() + 600.5],
    ['1e20', 1e20],
  ])('as %s is 401', async (_name, nbf) => {
    expectInvalidToken(await answer(authenticate, bearer(token(payload({ nbf })))));
  });

  it.each([['1e400', '1e400'], ['-1e400', '-1e400']])('as %s is 401', async (_name, raw) => {
    expectInvalidToken(await answer(authenticate, bearer(token(rawPayload('nbf', raw)))));
  });

  it.each([['negative', -1], ['a past float', now() - 10.5], ['0', 0]])('as %s is accepted', async (_name, nbf) => {
    await expectAccepted(token(payload({ nbf })));
  });
});

describe('iat', () => {
  it.each([
    ['a numeric string', String(now())],
    ['null', null],
    ['ten minutes ahead (stricter than jose: a token from the future)', now() + 600],
    ['1e20', 1e20],
  ])('as %s is 401', async (_name, iat) => {
    expectInvalidToken(await answer(authenticate, bearer(token(payload({ iat })))));
  });

  it('as 1e400 is 401', async () => {
    expectInvalidToken(await answer(authenticate, bearer(token(rawPayload('iat', '1e400')))));
  });

  it.each([['negative', -1e9], ['a float', now() - 0.5], ['absent', undefined]])('as %s is accepted without maxTokenAge', async (_name, iat) => {
    await expectAccepted(token(payload({ iat })));
  });

  it.each([['negative', -1e9], ['absent', undefined], ['an hour ago', now() - 3600]])('as %s is 401 with maxTokenAge 60', async (_name, iat) => {
    const strict = createAuthenticator({ ...forge.options, tokenCache: false, maxTokenAge: 60 });
    expectInvalidToken(await answer(strict, bearer(token(payload({ iat })))));
  });
});

describe('iss', () => {
  it.each([
    ['an array holding the right issuer', () => [iss]],
    ['an array holding it twice', () => [iss, iss]],
    ['a nested array', () => [[iss]]],
    ['an object', () => ({ toString: iss })],
    ['a number', () => 1],
    ['null', () => null],
    ['absent', () => undefined],
    ['with a trailing slash', () => `${iss}/`],
    ['upper-cased', () => iss.toUpperCase()],
    ['with a trailing space', () => `${iss} `],
  ])('as %s is 401', async (_name, value) => {
    expectInvalidToken(await answer(authenticate, bearer(token(payload({ iss: value() })))));
  });
});

describe('aud', () => {
  it('as an array holding the right audience is accepted (RFC 7519 §4.1.3)', async () => {
    await expectAccepted(token(payload({ aud: ['https://other.example', aud] })));
  });

  it.each([
    ['an array holding a non-string beside the right audience', () => [aud, 1]],
    ['an empty array', () => []],
    ['null', () => null],
    ['an object', () => ({ [aud]: true })],
    ['absent', () => undefined],
    ['upper-cased', () => aud.toUpperCase()],
    ['a prefix of it', () => aud.slice(0, -1)],
    ['a nested array', () => [[aud]]],
  ])('as %s is 401', async (_name, value) => {
    expectInvalidToken(await answer(authenticate, bearer(token(payload({ aud: value() })))));
  });
});

describe('payloads that are not a JSON object skip nothing', () => {
  it.each([
    ['an array of claims', () => JSON.stringify([payload({})])],
    ['an empty array', () => '[]'],
    ['a number', () => '123'],
    ['a string', () => JSON.stringify(JSON.stringify(payload({})))],
    ['null', () => 'null'],
    ['true', () => 'true'],
    ['empty', () => ''],
    ['whitespace', () => '   '],
  ])('%s is 401 malformed', async (_name, text) => {
    expect(expectInvalidToken(await answer(authenticate, bearer(token(text()))))).toMatch(/^malformed token: payload/);
  });
});

describe('other registered claims with the wrong type', () => {
  it.each([['sub as a number', { sub: 42 }], ['sub as an object', { sub: { id: 'admin' } }], ['jti as an array', { jti: ['a'] }]])(
    '%s is 401', async (_name, members) => {
      expectInvalidToken(await answer(authenticate, bearer(token(payload(members)))));
    },
  );
});
