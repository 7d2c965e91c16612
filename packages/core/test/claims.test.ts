import { createTestIssuer, type TestIssuer } from '@portcullis/testing';
import { createAuthenticator, InvalidTokenError, type AuthenticatorOptions } from '@portcullis/core';
import { bearer, failure } from './helpers.js';

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await createTestIssuer();
});
afterAll(() => issuer.close());

const now = () => Math.floor(Date.now() / 1000);
const authenticator = (extra: Partial<AuthenticatorOptions> = {}) => createAuthenticator({ ...issuer.options, tokenCache: false, ...extra });

async function reason(claims: Record<string, unknown>, extra: Partial<AuthenticatorOptions> = {}) {
  const err = await failure(authenticator(extra), bearer(await issuer.sign(claims)));
  expect(err.status).toBe(401);
  return err.reason;
}

describe('time claims', () => {
  it('requires exp, as a number', async () => {
    expect(await reason({ exp: undefined })).toBe('missing_claim');
    expect(await reason({ exp: String(now() + 60) })).toBe('bad_claim');
  });

  it('honours clockTolerance on exp and nbf', async () => {
    await expect(authenticator()(bearer(await issuer.sign({ exp: now() - 2 })))).resolves.toBeDefined();
    expect(await reason({ exp: now() - 2 }, { clockTolerance: 0 })).toBe('expired');
    await expect(authenticator()(bearer(await issuer.sign({ nbf: now() + 2 })))).resolves.toBeDefined();
    expect(await reason({ nbf: now() + 30 })).toBe('not_yet_valid');
    expect(await reason({ nbf: 'later' })).toBe('bad_claim');
  });

  it('refuses a token issued in the future, and a malformed iat', async () => {
    expect(await reason({ iat: now() + 600 })).toBe('issued_in_future');
    expect(await reason({ iat: 'yesterday' })).toBe('bad_claim');
  });

  it('enforces maxTokenAge from iat, which it then requires', async () => {
    expect(await reason({ iat: now() - 3600 }, { maxTokenAge: 600 })).toBe('too_old');
    expect(await reason({ iat: undefined }, { maxTokenAge: 600 })).toBe('missing_claim');
    await expect(authenticator({ maxTokenAge: 600 })(bearer(await issuer.sign({ iat: now() - 60 })))).resolves.toBeDefined();
  });
});

describe('issuer and audience', () => {
  it('needs an exact iss, never an array holding it', async () => {
    expect(await reason({ iss: undefined })).toBe('bad_claim');
    expect(await reason({ iss: [issuer.url] })).toBe('bad_claim');
    expect(await reason({ iss: `${issuer.url}/` })).toBe('bad_claim');
  });

  it('accepts any overlap of aud, refuses none and malformed', async () => {
    const audience = issuer.options.audience as string;
    await expect(authenticator()(bearer(await issuer.sign({ aud: ['other', audience] })))).resolves.toBeDefined();
    await expect(authenticator({ audience: ['x', audience] })(bearer(await issuer.sign()))).resolves.toBeDefined();
    expect(await reason({ aud: ['other'] })).toBe('bad_audience');
    expect(await reason({ aud: undefined })).toBe('missing_claim');
    expect(await reason({ aud: [audience, 7] })).toBe('bad_claim');
    expect(await reason({ aud: audience.toUpperCase() })).toBe('bad_audience');
  });
});

describe('other rules', () => {
  it('enforces requiredClaims', async () => {
    expect(await reason({}, { requiredClaims: ['client_id'] })).toBe('missing_claim');
    await expect(authenticator({ requiredClaims: ['client_id'] })(bearer(await issuer.sign({ client_id: 'c' })))).resolves.toBeDefined();
  });

  it('checks typ when configured (RFC 9068)', async () => {
    const authenticate = authenticator({ typ: 'at+jwt' });
    await expect(authenticate(bearer(await issuer.sign({}, { typ: 'at+jwt' })))).resolves.toBeDefined();
    await expect(authenticate(bearer(await issuer.sign({}, { typ: 'application/AT+JWT' })))).resolves.toBeDefined();
    expect((await failure(authenticate, bearer(await issuer.sign({}, { typ: 'JWT' })))).reason).toBe('wrong_type');
  });

  it('refuses malformed sub and jti', async () => {
    expect(await reason({ sub: 42 })).toBe('bad_claim');
    expect(await reason({ jti: {} })).toBe('bad_claim');
  });

  it('runs validate: false or a throw answers 401, an AuthError passes through', async () => {
    const token = await issuer.sign({ jti: 'revoked' });
    const seen: string[] = [];
    const validate = (claims: { jti?: string }) => {
      seen.push(claims.jti!);
      return claims.jti !== 'revoked';
    };
    expect((await failure(authenticator({ validate }), bearer(token))).reason).toBe('rejected_by_validate');
    const throwing = authenticator({ validate: async () => { throw new Error('db said no: secret detail'); } });
    const err = await failure(throwing, bearer(token));
    expect(err.status).toBe(401);
    expect(err.message).not.toContain('secret detail');
    const custom = authenticator({ validate: () => { throw new InvalidTokenError('token revoked', 'rejected_by_validate'); } });
    expect((await failure(custom, bearer(token))).message).toBe('token revoked');
    expect(seen).toEqual(['revoked']);
  });

  it('refuses an oversized token before parsing it', async () => {
    const err = await failure(authenticator({ maxTokenSize: 100 }), bearer(await issuer.sign()));
    expect(err.reason).toBe('token_too_large');
    const big = await issuer.sign({ filler: 'x'.repeat(9000) });
    expect((await failure(authenticator(), bearer(big))).reason).toBe('token_too_large');
  });
});

describe('HMAC tokens', () => {
  it('are accepted only with a configured secret, and then only HS*', async () => {
    const secret = issuer.secret;
    const hs = await issuer.sign({}, { alg: 'HS256' });
    const rs = await issuer.sign();
    const hmac = createAuthenticator({ issuer: issuer.url, audience: issuer.options.audience, secret, tokenCache: false });
    await expect(hmac(bearer(hs))).resolves.toMatchObject({ type: 'jwt' });
    expect((await failure(hmac, bearer(rs))).reason).toBe('algorithm_not_allowed');
    expect((await failure(authenticator(), bearer(hs))).reason).toBe('algorithm_not_allowed');
    const wrongSecret = createAuthenticator({ issuer: issuer.url, audience: issuer.options.audience, secret: 'y'.repeat(32) });
    expect((await failure(wrongSecret, bearer(hs))).reason).toBe('bad_signature');
  });
});
