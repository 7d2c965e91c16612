/**
 * `authenticate()` against real apps on every framework major a harness names: every row of the
 * contract's status table, the shape of the auth context, and optional authentication. Tokens and keys
 * come only from @portcullis/testing.
 */
import type { RequestListener } from 'node:http';
import type { AuthenticatorOptions } from '@portcullis/core';
import { BAD_TOKEN_KINDS, createTestIssuer, generateApiKey, type TestIssuer } from '@portcullis/testing';
import { eachMajor, type AdapterHarness } from './adapter-harness.js';

// RFC 6750 §3: `error_description` is a quoted string without `"` or `\`.
const INVALID_TOKEN = /^Bearer error="invalid_token", error_description="[^"\\]+"$/;
const INVALID_REQUEST = /^Bearer error="invalid_request"(, error_description="[^"\\]+")?$/;

const reportsKey = generateApiKey({ id: 'reports', subject: 'reporting-service', scopes: ['read:reports'] });
const expiredKey = generateApiKey({ id: 'old', scopes: ['read:reports'], expiresAt: '2020-01-01T00:00:00Z' });
const unknownKey = generateApiKey({ id: 'unknown' });

/**
 * Registers the `authenticate()` suite, once per framework major of `h`.
 *
 * @example
 * authenticateSuite(expressHarness);
 */
export function authenticateSuite<M>(h: AdapterHarness<M>): void {
  let issuer: TestIssuer;

  beforeAll(async () => {
    issuer = await createTestIssuer({ algorithms: ['RS256', 'ES256'] });
  });

  afterAll(async () => {
    await issuer.close();
  });

  function options(extra: Partial<AuthenticatorOptions> = {}): AuthenticatorOptions {
    return {
      ...issuer.options,
      algorithms: ['RS256'],
      apiKeys: { keys: [reportsKey.record, expiredKey.record] },
      ...extra,
    };
  }

  describe.each(eachMajor(h))('authenticate() on %s', (label, major) => {
    const whoami = (...chain: M[]): RequestListener => major.routes({ '/whoami': chain });
    const request = h.request;
    let app: RequestListener;

    beforeAll(() => {
      app = whoami(h.authenticate(options()));
    });

    it(`runs on the ${h.framework} major it names`, () => {
      expect(major.version.split('.')[0]).toBe(label.slice(-1));
    });

    describe('401 with a bare challenge (RFC 6750 §3.1)', () => {
      it.each<[string, Record<string, string>]>([
        ['no credentials', {}],
        ['an unsupported scheme', { authorization: 'Basic dXNlcjpwYXNz' }],
      ])('%s', async (_name, headers) => {
        const res = await request(app).get('/whoami').set(headers);
        expect(res.status).toBe(401);
        expect(res.headers['www-authenticate']).toBe('Bearer realm="api"');
      });

      it('names the configured realm', async () => {
        const realmApp = whoami(h.authenticate(options({ realm: 'orders' })));
        const res = await request(realmApp).get('/whoami');
        expect(res.status).toBe(401);
        expect(res.headers['www-authenticate']).toBe('Bearer realm="orders"');
      });
    });

    describe('400 invalid_request', () => {
      it.each<[string, Record<string, string>]>([
        ['Bearer with no token', { authorization: 'Bearer' }],
        ['Bearer with two tokens', { authorization: 'Bearer abc.def.ghi jkl.mno.pqr' }],
      ])('%s', async (_name, headers) => {
        const res = await request(app).get('/whoami').set(headers);
        expect(res.status).toBe(400);
        expect(res.headers['www-authenticate']).toMatch(INVALID_REQUEST);
      });

      it('several Authorization headers', async () => {
        const token = await issuer.sign({ scope: 'read' });
        // superagent sends an array value as repeated header lines; its types only admit that for Cookie.
        const both = [`Bearer ${token}`, `Bearer ${token}`] as unknown as string;
        const res = await request(app).get('/whoami').set('Authorization', both);
        expect(res.status).toBe(400);
        expect(res.headers['www-authenticate']).toMatch(INVALID_REQUEST);
      });

      it('a token in the header and in the query string', async () => {
        const token = await issuer.sign();
        const res = await request(app).get('/whoami').query({ access_token: token }).auth(token, { type: 'bearer' });
        expect(res.status).toBe(400);
        expect(res.headers['www-authenticate']).toMatch(INVALID_REQUEST);
      });

      it('a Bearer token and an API key', async () => {
        const token = await issuer.sign();
        const res = await request(app).get('/whoami').auth(token, { type: 'bearer' }).set('x-api-key', reportsKey.key);
        expect(res.status).toBe(400);
        expect(res.headers['www-authenticate']).toMatch(INVALID_REQUEST);
      });

      it.each(['api_key', 'x-api-key'])('a valid API key only in the query string (?%s=)', async (name) => {
        const res = await request(app).get('/whoami').query({ [name]: reportsKey.key });
        expect(res.status).toBe(400);
        expect(res.headers['www-authenticate']).toMatch(INVALID_REQUEST);
        expect(res.text).not.toContain(reportsKey.key);
      });

      it('a valid token only in the query string (never accepted by default)', async () => {
        const token = await issuer.sign();
        const res = await request(app).get('/whoami').query({ access_token: token });
        expect(res.status).toBe(400);
        expect(res.headers['www-authenticate']).toMatch(INVALID_REQUEST);
        expect(res.text).not.toContain(token);
      });
    });

    describe('401 invalid_token', () => {
      it.each(BAD_TOKEN_KINDS)('a %s token', async (kind) => {
        const token = await issuer.badTokens[kind]({ sub: 'user-1', scope: 'read' });
        const res = await request(app).get('/whoami').auth(token, { type: 'bearer' });
        expect(res.status).toBe(401);
        expect(res.headers['www-authenticate']).toMatch(INVALID_TOKEN);
        expect(res.text).not.toContain(token);
        expect(res.text).not.toContain('"auth"');
      });

      it('a token signed with an algorithm the API does not allow', async () => {
        const token = await issuer.sign({ sub: 'user-1' }, { alg: 'ES256' });
        const res = await request(app).get('/whoami').auth(token, { type: 'bearer' });
        expect(res.status).toBe(401);
        expect(res.headers['www-authenticate']).toMatch(INVALID_TOKEN);
      });

      it('a token without iss, aud or exp', async () => {
        for (const claim of ['iss', 'aud', 'exp'] as const) {
          const token = await issuer.sign({ sub: 'user-1', [claim]: undefined });
          const res = await request(app).get('/whoami').auth(token, { type: 'bearer' });
          expect([claim, res.status]).toEqual([claim, 401]);
          expect(res.headers['www-authenticate']).toMatch(INVALID_TOKEN);
        }
      });

      it('a string that is not a JWT', async () => {
        const res = await request(app).get('/whoami').set('Authorization', 'Bearer not-a-jwt');
        expect(res.status).toBe(401);
        expect(res.headers['www-authenticate']).toMatch(INVALID_TOKEN);
      });
    });

    describe('401 with a bare challenge for bad API keys', () => {
      it.each([
        ['an unknown key', () => unknownKey.key],
        ['an expired key', () => expiredKey.key],
        ['a key that is a near miss of a real one', () => `${reportsKey.key.slice(0, -1)}x`],
      ])('%s', async (_name, key) => {
        const res = await request(app).get('/whoami').set('x-api-key', key());
        expect(res.status).toBe(401);
        expect(res.headers['www-authenticate']).toBe('Bearer realm="api"');
        expect(res.text).not.toContain(key());
      });
    });

    describe('503 when no signing keys can be obtained', () => {
      it.each(['status500', 'garbage'] as const)('JWKS fault %s', async (fault) => {
        const token = await issuer.sign({ sub: 'user-1' });
        // A fresh middleware: nothing is cached yet, so the fault decides.
        const freshApp = whoami(h.authenticate(options({ jwks: { timeout: 2 } })));
        issuer.setFault(fault, { target: 'jwks' });
        try {
          const res = await request(freshApp).get('/whoami').auth(token, { type: 'bearer' });
          expect(res.status).toBe(503);
          expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
        } finally {
          issuer.setFault(null);
        }
      });
    });

    describe(h.authProperty, () => {
      it('describes a JWT caller', async () => {
        const token = await issuer.sign({ sub: 'user-1', scope: 'read:messages write:messages' });
        const res = await request(app).get('/whoami').auth(token, { type: 'bearer' });
        expect(res.status).toBe(200);
        expect(res.body.auth).toEqual(
          expect.objectContaining({
            type: 'jwt',
            subject: 'user-1',
            scopes: ['read:messages', 'write:messages'],
            claims: expect.objectContaining({ sub: 'user-1', iss: issuer.url }),
            header: expect.objectContaining({ alg: 'RS256', kid: expect.any(String) }),
          }),
        );
        // keyId is the kid of the verifying key; token is the raw bearer token, kept for forwarding.
        expect(res.body.auth.keyId).toBe(res.body.auth.header.kid);
        expect(res.body.auth.token).toBe(token);
      });

      it('describes an API-key caller, without the key itself', async () => {
        const res = await request(app).get('/whoami').set('x-api-key', reportsKey.key);
        expect(res.status).toBe(200);
        expect(res.body.auth).toEqual(
          expect.objectContaining({ type: 'api-key', subject: 'reporting-service', scopes: ['read:reports'], keyId: 'reports' }),
        );
        expect(res.body.auth.claims).toBeUndefined();
        expect(res.text).not.toContain(reportsKey.key);
      });

      it('accepts the scheme in any case and several spaces before the token (RFC 6750 §2.1)', async () => {
        const token = await issuer.sign({ sub: 'user-2' });
        const res = await request(app).get('/whoami').set('Authorization', `bEaReR   ${token}`);
        expect(res.status).toBe(200);
        expect(res.body.auth.subject).toBe('user-2');
      });

      it('reads a form-encoded body token when allowBodyToken is on (RFC 6750 §2.2)', async () => {
        const bodyApp = major.formRoute(h.authenticate(options({ allowBodyToken: true })));
        const token = await issuer.sign({ sub: 'form-user' });
        const res = await request(bodyApp)
          .post('/whoami')
          .type('form')
          .send({ access_token: token });
        expect(res.status).toBe(200);
        expect(res.body.auth.subject).toBe('form-user');
      });

      it('builds the authenticator once: JWKS is fetched once for many requests', async () => {
        const onceApp = whoami(h.authenticate(options()));
        issuer.resetRequests();
        for (const sub of ['a', 'b', 'c']) {
          const token = await issuer.sign({ sub });
          const res = await request(onceApp).get('/whoami').auth(token, { type: 'bearer' });
          expect(res.body.auth.subject).toBe(sub);
        }
        expect(issuer.requests.jwks).toBe(1);
      });

      it('fails fast on invalid options, at construction', () => {
        expect(() => h.authenticate({} as AuthenticatorOptions)).toThrow(TypeError);
      });
    });

    describe('optional authentication (credentialsRequired: false)', () => {
      let optionalApp: RequestListener;

      beforeAll(() => {
        optionalApp = whoami(h.authenticate(options({ credentialsRequired: false })));
      });

      it(`lets a request with no credentials through without ${h.authProperty}`, async () => {
        const res = await request(optionalApp).get('/whoami');
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ auth: null });
      });

      it('treats another scheme (Basic) as no bearer credential and continues anonymously', async () => {
        const res = await request(optionalApp).get('/whoami').set('Authorization', 'Basic dXNlcjpwYXNz');
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ auth: null });
      });

      it(`still sets ${h.authProperty} for a valid token`, async () => {
        const token = await issuer.sign({ sub: 'user-3' });
        const res = await request(optionalApp).get('/whoami').auth(token, { type: 'bearer' });
        expect(res.status).toBe(200);
        expect(res.body.auth.subject).toBe('user-3');
      });

      it('still rejects a bad token', async () => {
        const token = await issuer.badTokens.expired({ sub: 'user-3' });
        const res = await request(optionalApp).get('/whoami').auth(token, { type: 'bearer' });
        expect(res.status).toBe(401);
        expect(res.headers['www-authenticate']).toMatch(INVALID_TOKEN);
      });

      it('still rejects a bad API key', async () => {
        const res = await request(optionalApp).get('/whoami').set('x-api-key', unknownKey.key);
        expect(res.status).toBe(401);
        expect(res.headers['www-authenticate']).toBe('Bearer realm="api"');
      });

      it('still rejects a malformed request and a query-string token', async () => {
        const empty = await request(optionalApp).get('/whoami').set('Authorization', 'Bearer');
        expect(empty.status).toBe(400);
        const token = await issuer.sign();
        const query = await request(optionalApp).get('/whoami').query({ access_token: token });
        expect(query.status).toBe(400);
      });
    });
  });
}
