/**
 * `requireScopes()` against real apps on every framework major a harness names: `all` and `any` modes,
 * the 403 challenge naming the required scopes (RFC 6750 §3.1), and 401 when nothing authenticated the
 * request.
 */
import type { RequestListener } from 'node:http';
import { createTestIssuer, generateApiKey, type TestIssuer } from '@portcullis/testing';
import { eachMajor, type AdapterHarness } from './adapter-harness.js';

const INSUFFICIENT = (scope: string): RegExp =>
  new RegExp(`^Bearer error="insufficient_scope"(, error_description="[^"\\\\]+")?, scope="${scope}"$`);

const supportKey = generateApiKey({ id: 'support-bot', subject: 'support-bot', scopes: ['support'] });

/**
 * Registers the `requireScopes()` suite, once per framework major of `h`.
 *
 * @example
 * requireScopesSuite(koaHarness);
 */
export function requireScopesSuite<M>(h: AdapterHarness<M>): void {
  const { request, requireScopes } = h;
  let issuer: TestIssuer;

  beforeAll(async () => {
    issuer = await createTestIssuer();
  });

  afterAll(async () => {
    await issuer.close();
  });

  describe.each(eachMajor(h))('requireScopes() on %s', (_label, major) => {
    let app: RequestListener;

    beforeAll(() => {
      const authenticate = h.authenticate({ ...issuer.options, apiKeys: { keys: [supportKey.record] } });
      app = major.routes({
        '/all': [authenticate, requireScopes(['read:messages', 'write:messages'])],
        '/one': [authenticate, requireScopes('read:messages')],
        '/any': [authenticate, requireScopes(['admin', 'support'], { mode: 'any' })],
      });
    });

    async function get(path: string, scope?: string | string[], claim: 'scope' | 'scp' = 'scope') {
      const token = await issuer.sign({ sub: 'user-1', ...(scope === undefined ? {} : { [claim]: scope }) });
      return request(app).get(path).auth(token, { type: 'bearer' });
    }

    describe("mode 'all' (default)", () => {
      it('passes when every scope is held', async () => {
        const res = await get('/all', 'write:messages profile read:messages');
        expect(res.status).toBe(200);
        expect(res.body.auth).toEqual(expect.objectContaining({ subject: 'user-1' }));
      });

      it('passes with scopes from an `scp` array', async () => {
        const res = await get('/all', ['read:messages', 'write:messages'], 'scp');
        expect(res.status).toBe(200);
      });

      it('answers 403 naming the required scopes when one is missing', async () => {
        const res = await get('/all', 'read:messages');
        expect(res.status).toBe(403);
        expect(res.headers['www-authenticate']).toMatch(INSUFFICIENT('read:messages write:messages'));
      });

      it('answers 403 for a token without any scope', async () => {
        const res = await get('/one');
        expect(res.status).toBe(403);
        expect(res.headers['www-authenticate']).toMatch(INSUFFICIENT('read:messages'));
      });

      it('matches exactly: neither by prefix, substring nor case', async () => {
        for (const held of ['read:messages:all', 'read', 'READ:MESSAGES', 'xread:messages']) {
          const res = await get('/one', held);
          expect([held, res.status]).toEqual([held, 403]);
        }
      });
    });

    describe("mode 'any'", () => {
      it.each(['admin', 'support', 'support billing'])('passes with %s', async (scope) => {
        const res = await get('/any', scope);
        expect(res.status).toBe(200);
        expect(res.body.auth).toEqual(expect.objectContaining({ subject: 'user-1' }));
      });

      it('answers 403 naming the accepted scopes when none is held', async () => {
        const res = await get('/any', 'read:messages');
        expect(res.status).toBe(403);
        expect(res.headers['www-authenticate']).toMatch(INSUFFICIENT('admin support'));
      });

      it('checks API-key callers the same way', async () => {
        const res = await request(app).get('/any').set('x-api-key', supportKey.key);
        expect(res.status).toBe(200);
        expect(res.body.auth).toEqual(expect.objectContaining({ subject: 'support-bot' }));
      });
    });

    it('answers 401 when the request was never authenticated', async () => {
      const bare = major.routes({ '/whoami': [requireScopes('read:messages')] });
      const res = await request(bare).get('/whoami');
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="api"');
    });

    it('names the configured realm in that 401', async () => {
      const bare = major.routes({ '/whoami': [requireScopes('read:messages', { realm: 'orders' })] });
      const res = await request(bare).get('/whoami');
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="orders"');
    });

    it('validates its arguments at construction, not per request', () => {
      expect(() => requireScopes([])).toThrow(TypeError);
      expect(() => requireScopes('')).toThrow(TypeError);
      expect(() => requireScopes(['read', ''])).toThrow(TypeError);
      expect(() => requireScopes('read', { mode: 'some' as 'any' })).toThrow(TypeError);
    });

    it('answers 401 under optional authentication when no credential came', async () => {
      const optional = major.routes({
        '/whoami': [h.authenticate({ ...issuer.options, credentialsRequired: false }), requireScopes('read:messages')],
      });
      const res = await request(optional).get('/whoami');
      expect(res.status).toBe(401);
    });
  });
}
