import { BAD_TOKEN_KINDS, createTestIssuer, type TestIssuer } from '@portcullis/testing';
import { createAuthenticator, type Authenticator } from '@portcullis/core';
import createHttpError from 'http-errors';
import { bearer, failure } from './helpers.js';

let issuer: TestIssuer;
let authenticate: Authenticator;

beforeAll(async () => {
  issuer = await createTestIssuer({ algorithms: ['RS256', 'ES256', 'PS256', 'EdDSA'] });
  authenticate = createAuthenticator({ ...issuer.options, scopeClaims: ['scope', 'scp', 'permissions'] });
});
afterAll(() => issuer.close());

describe('a valid token', () => {
  it.each(['RS256', 'ES256', 'PS256', 'EdDSA'] as const)('is accepted when signed with %s', async (alg) => {
    const token = await issuer.sign({ sub: 'alice', scope: 'read:messages write:messages' }, { alg });
    const auth = await authenticate(bearer(token));
    expect(auth).toMatchObject({ type: 'jwt', subject: 'alice', scopes: ['read:messages', 'write:messages'], token });
    expect(auth.claims?.iss).toBe(issuer.url);
    expect(auth.header?.alg).toBe(alg);
    expect(auth.keyId).toBe(auth.header?.kid);
  });

  it('collects scopes from scope, scp and configured claims, exactly', async () => {
    const token = await issuer.sign({ scope: 'a b', scp: ['c', 'a'], permissions: ['d'] });
    const auth = await authenticate(bearer(token));
    expect(auth.scopes).toEqual(['a', 'b', 'c', 'd']);
  });

  it('freezes the claims it returns', async () => {
    const auth = await authenticate(bearer(await issuer.sign({ scope: 'x' })));
    expect(Object.isFrozen(auth.claims)).toBe(true);
  });

  it('accepts the scheme in any case and several spaces before the token', async () => {
    const token = await issuer.sign();
    for (const header of [`bearer ${token}`, `BEARER ${token}`, `Bearer    ${token}`]) {
      await expect(authenticate({ headers: { authorization: header } })).resolves.toMatchObject({ type: 'jwt' });
    }
  });
});

describe('the status table', () => {
  it('401 with a bare challenge and no error for no credentials', async () => {
    const err = await failure(authenticate, { headers: {} });
    expect(err.status).toBe(401);
    expect(err.headers['WWW-Authenticate']).toBe('Bearer realm="api"');
    expect(createHttpError.isHttpError(err)).toBe(true);
    expect(err.expose).toBe(true);
  });

  it('401 bare for an unsupported scheme', async () => {
    const err = await failure(authenticate, { headers: { authorization: 'Basic dXNlcjpwYXNz' } });
    expect(err.status).toBe(401);
    expect(err.headers['WWW-Authenticate']).toBe('Bearer realm="api"');
  });

  it.each([
    ['Bearer', 'no token'],
    ['Bearer   ', 'only spaces'],
    ['Bearer a.b.c d.e.f', 'two tokens'],
  ])('400 invalid_request for %j (%s)', async (authorization) => {
    const err = await failure(authenticate, { headers: { authorization } });
    expect(err.status).toBe(400);
    expect(err.headers['WWW-Authenticate']).toBe('Bearer error="invalid_request"');
  });

  it('400 for several Authorization headers', async () => {
    const token = await issuer.sign();
    const err = await failure(authenticate, { headers: { authorization: [`Bearer ${token}`, `Bearer ${token}`] } });
    expect(err.status).toBe(400);
    expect(err.code).toBe('invalid_request');
  });

  it('400 for a token in the query string, and for a token sent two ways', async () => {
    const token = await issuer.sign();
    expect((await failure(authenticate, { headers: {}, url: `/x?access_token=${token}` })).status).toBe(400);
    expect((await failure(authenticate, bearer(token, { url: `/x?access_token=${token}` }))).status).toBe(400);
  });

  it.each(BAD_TOKEN_KINDS)(
    '401 invalid_token for the %s preset',
    async (preset) => {
      const err = await failure(authenticate, bearer(await issuer.badTokens[preset]()));
      expect(err.status).toBe(401);
      expect(err.code).toBe('invalid_token');
      expect(err.headers['WWW-Authenticate']).toMatch(/^Bearer error="invalid_token", error_description="[\x20\x21\x23-\x5b\x5d-\x7e]+"$/);
    },
  );

  it('names the reason in the description', async () => {
    const err = await failure(authenticate, bearer(await issuer.badTokens.expired()));
    expect(err.headers['WWW-Authenticate']).toBe('Bearer error="invalid_token", error_description="token expired"');
    expect(err.reason).toBe('expired');
  });
});

describe('authenticate.direct', () => {
  it('answers at once when nothing must be awaited, with a promise otherwise, and throws AuthErrors', async () => {
    const fresh = createAuthenticator(issuer.options);
    const token = await issuer.sign({ sub: 'dave' });
    const first = fresh.direct(bearer(token));
    expect(first).toBeInstanceOf(Promise); // the JWKS has to be fetched
    await expect(first).resolves.toMatchObject({ subject: 'dave' });
    const second = fresh.direct(bearer(token));
    expect(second).not.toBeInstanceOf(Promise);
    expect(second).toMatchObject({ subject: 'dave', token });
    expect(() => fresh.direct({ headers: {} })).toThrow(expect.objectContaining({ status: 401 }));
    await expect(fresh.direct(bearer(await issuer.badTokens.unknownKey()))).rejects.toMatchObject({ status: 401 });
  });
});
