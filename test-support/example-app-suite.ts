/**
 * The example APIs (examples/express-api, examples/koa-api) serve the same routes under the same rules;
 * this suite is their shared test. A real local issuer from @portcullis/testing mints the tokens,
 * supertest drives the real app, and each test asserts the status a real client would get.
 */
import type { RequestListener } from 'node:http';
import type { AuthenticatorOptions } from '@portcullis/core';
import { createTestIssuer, generateApiKey, type TestIssuer } from '@portcullis/testing';
import type { SendTo } from './http-client.js';

/** What the example's `createApp()` takes. */
export interface ExampleAppConfig {
  auth: AuthenticatorOptions;
  apiKeys?: NonNullable<AuthenticatorOptions['apiKeys']>['keys'];
}

/** How to build one example's app, and supertest from that example's dependencies. */
export interface ExampleAppHarness {
  createApp(config: ExampleAppConfig): RequestListener;
  request: SendTo;
}

const reportsKey = generateApiKey({ id: 'reports-bot', subject: 'reports-bot', scopes: ['read:reports'] });

/**
 * Registers the example API's tests against the app `h.createApp` builds.
 *
 * @example
 * exampleAppSuite({ createApp: (config) => createApp(config).callback(), request });
 */
export function exampleAppSuite(h: ExampleAppHarness): void {
  const { request } = h;
  let issuer: TestIssuer;
  let app: RequestListener;

  beforeAll(async () => {
    issuer = await createTestIssuer();
    app = h.createApp({ auth: issuer.options, apiKeys: [reportsKey.record] });
  });

  afterAll(async () => {
    await issuer.close();
  });

  /** An `Authorization` value for a user holding `scope`. */
  async function bearer(scope: string, sub = 'alice'): Promise<string> {
    return `Bearer ${await issuer.sign({ sub, scope })}`;
  }

  describe('GET /health', () => {
    it('is open', async () => {
      const res = await request(app).get('/health');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'ok' });
    });
  });

  describe('GET /messages', () => {
    it('asks for credentials: 401 with a bare Bearer challenge', async () => {
      const res = await request(app).get('/messages');
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="api"');
    });

    it('answers 200 to a token with read:messages', async () => {
      const res = await request(app).get('/messages').set('Authorization', await bearer('read:messages'));
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ messages: expect.any(Array) });
    });

    it('answers 403 to a token without read:messages', async () => {
      const res = await request(app).get('/messages').set('Authorization', await bearer('write:messages'));
      expect(res.status).toBe(403);
      expect(res.headers['www-authenticate']).toBe('Bearer error="insufficient_scope", scope="read:messages"');
      expect(res.body.error).toBe('insufficient_scope');
    });

    it('answers 401 invalid_token to an expired token', async () => {
      const token = await issuer.badTokens.expired({ scope: 'read:messages' });
      const res = await request(app).get('/messages').auth(token, { type: 'bearer' });
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer error="invalid_token", error_description="[^"]+"$/);
    });

    it('answers 400 to a token in the query string', async () => {
      const token = await issuer.sign({ scope: 'read:messages' });
      const res = await request(app).get('/messages').query({ access_token: token });
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_request');
    });

    it('does not take API keys (only /reports does)', async () => {
      const res = await request(app).get('/messages').set('x-api-key', reportsKey.key);
      expect(res.status).toBe(401);
    });
  });

  describe('POST /messages', () => {
    it('creates a message for a token with write:messages, authored by its subject', async () => {
      const auth = await bearer('read:messages write:messages', 'bob');
      const created = await request(app).post('/messages').set('Authorization', auth).send({ text: 'hello' });
      expect(created.status).toBe(201);
      expect(created.body).toEqual(expect.objectContaining({ text: 'hello', author: 'bob' }));
      const list = await request(app).get('/messages').set('Authorization', auth);
      expect(list.body.messages).toContainEqual(created.body);
    });

    it('answers 403 to a read-only token, naming the missing scope', async () => {
      const res = await request(app).post('/messages').set('Authorization', await bearer('read:messages')).send({ text: 'hi' });
      expect(res.status).toBe(403);
      expect(res.headers['www-authenticate']).toBe('Bearer error="insufficient_scope", scope="write:messages"');
    });

    it('answers 400 to an invalid or malformed body', async () => {
      const auth = await bearer('write:messages');
      const empty = await request(app).post('/messages').set('Authorization', auth).send({ text: '' });
      expect(empty.status).toBe(400);
      const malformed = await request(app).post('/messages').set('Authorization', auth).type('json').send('{"text":');
      expect(malformed.status).toBe(400);
      expect(malformed.body.error).toBe('bad_request');
      const huge = await request(app).post('/messages').set('Authorization', auth).send({ text: 'x'.repeat(20_000) });
      expect(huge.status).toBe(413);
    });
  });

  describe('GET /admin', () => {
    it.each(['admin', 'support'])('answers 200 to a token with %s', async (scope) => {
      const res = await request(app).get('/admin').set('Authorization', await bearer(scope));
      expect(res.status).toBe(200);
      expect(res.body.scopes).toEqual([scope]);
    });

    it('answers 403 naming both accepted scopes otherwise', async () => {
      const res = await request(app).get('/admin').set('Authorization', await bearer('read:messages'));
      expect(res.status).toBe(403);
      expect(res.headers['www-authenticate']).toBe('Bearer error="insufficient_scope", scope="admin support"');
    });
  });

  describe('GET /reports', () => {
    it('answers 200 to the API key', async () => {
      const res = await request(app).get('/reports').set('x-api-key', reportsKey.key);
      expect(res.status).toBe(200);
      expect(res.body.requestedBy).toEqual({ type: 'api-key', subject: 'reports-bot' });
    });

    it('answers 200 to a token with read:reports', async () => {
      const res = await request(app).get('/reports').set('Authorization', await bearer('read:reports'));
      expect(res.status).toBe(200);
      expect(res.body.requestedBy).toEqual({ type: 'jwt', subject: 'alice' });
    });

    it('answers 401 with a bare challenge to an unknown API key', async () => {
      const res = await request(app).get('/reports').set('x-api-key', generateApiKey().key);
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="api"');
    });
  });

  it('answers unknown routes with a JSON 404', async () => {
    const res = await request(app).get('/nope');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: 'not_found' });
  });
}
