/**
 * `errorHandler()` against real apps on every framework major a harness names: JSON bodies with the same
 * status and headers as the framework's default answer, no stack traces or token text, and every other
 * error passed on untouched.
 */
import type { RequestListener } from 'node:http';
import type { AuthenticatorOptions } from '@portcullis/core';
import { createTestIssuer, type TestIssuer } from '@portcullis/testing';
import { eachMajor, type AdapterHarness } from './adapter-harness.js';

/**
 * Registers the `errorHandler()` suite, once per framework major of `h` (see `FrameworkMajor.errorRoutes`
 * for the app it drives).
 *
 * @example
 * errorHandlerSuite(expressHarness);
 */
export function errorHandlerSuite<M>(h: AdapterHarness<M>): void {
  const { request } = h;
  let issuer: TestIssuer;

  beforeAll(async () => {
    issuer = await createTestIssuer();
  });

  afterAll(async () => {
    await issuer.close();
  });

  describe.each(eachMajor(h))('errorHandler() on %s', (_label, major) => {
    let app: RequestListener;

    function build(extra: Partial<AuthenticatorOptions> = {}): RequestListener {
      return major.errorRoutes(h.authenticate({ ...issuer.options, ...extra }), h.requireScopes('read:messages'));
    }

    beforeAll(() => {
      app = build();
    });

    it('answers 401 invalid_token as JSON, with the challenge, and without the token or a stack', async () => {
      const token = await issuer.badTokens.expired({ sub: 'user-1', scope: 'read:messages' });
      const res = await request(app).get('/messages').auth(token, { type: 'bearer' });
      expect(res.status).toBe(401);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body).toEqual({ error: 'invalid_token', error_description: expect.any(String) });
      expect(res.headers['www-authenticate']).toBe(
        `Bearer error="invalid_token", error_description="${res.body.error_description}"`,
      );
      expect(res.text).not.toContain(token);
      expect(res.text).not.toContain(token.split('.')[1]);
      expect(res.text).not.toMatch(/\bat .*:\d+:\d+/);
    });

    it('answers 401 for no credentials as JSON with the bare challenge', async () => {
      const res = await request(app).get('/messages');
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="api"');
      expect(res.body).toEqual(expect.objectContaining({ error: expect.stringMatching(/^[a-z_]+$/) }));
    });

    it('answers 400 invalid_request as JSON', async () => {
      const res = await request(app).get('/messages').set('Authorization', 'Bearer');
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_request');
      expect(res.headers['www-authenticate']).toMatch(/^Bearer error="invalid_request"/);
    });

    it('answers 403 insufficient_scope as JSON with the scope challenge', async () => {
      const token = await issuer.sign({ sub: 'user-1', scope: 'profile' });
      const res = await request(app).get('/messages').auth(token, { type: 'bearer' });
      expect(res.status).toBe(403);
      expect(res.body.error).toBe('insufficient_scope');
      expect(res.headers['www-authenticate']).toMatch(/^Bearer error="insufficient_scope".*scope="read:messages"$/);
    });

    it('answers 503 as JSON with Retry-After', async () => {
      // A fresh authenticator: nothing is cached yet, so the fault decides.
      const fresh = build({ jwks: { timeout: 2 } });
      const token = await issuer.sign({ sub: 'user-1', scope: 'read:messages' });
      issuer.setFault('status500', { target: 'jwks' });
      try {
        const res = await request(fresh).get('/messages').auth(token, { type: 'bearer' });
        expect(res.status).toBe(503);
        expect(res.body.error).toBe('temporarily_unavailable');
        expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      } finally {
        issuer.setFault(null);
      }
    });

    it('passes every other error on untouched', async () => {
      const res = await request(app).get('/boom');
      expect(res.status).toBe(599);
      expect(res.body).toEqual({ passedOn: 'database exploded' });
    });

    it('leaves successful requests alone', async () => {
      const token = await issuer.sign({ sub: 'user-1', scope: 'read:messages' });
      const res = await request(app).get('/messages').auth(token, { type: 'bearer' });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ messages: [] });
    });
  });
}
