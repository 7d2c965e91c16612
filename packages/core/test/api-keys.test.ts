import { generateApiKey } from '@portcullis/testing';
import { createAuthenticator, hashApiKey, type ApiKeyRecord } from '@portcullis/core';
import { failure } from './helpers.js';

const ci = generateApiKey({ id: 'ci', subject: 'ci-bot', scopes: ['read:messages'] });
const old = generateApiKey({ id: 'old', expiresAt: new Date(Date.now() - 1000) });
const plain = 'pk_plain_' + 'a'.repeat(32);
const apiKey = (key: string) => ({ headers: { 'x-api-key': key } });

describe('API keys', () => {
  const authenticate = createAuthenticator({ apiKeys: { keys: [ci.record, old.record, { id: 'plain', key: plain, scopes: ['x'] }] } });

  it('accepts a configured key by its hash and returns its record', async () => {
    await expect(authenticate(apiKey(ci.key))).resolves.toEqual({ type: 'api-key', subject: 'ci-bot', scopes: ['read:messages'], keyId: 'ci' });
    await expect(authenticate(apiKey(plain))).resolves.toMatchObject({ keyId: 'plain', scopes: ['x'] });
  });

  it('hashes like the published helper', () => {
    expect(hashApiKey(ci.key)).toBe(ci.record.sha256);
  });

  it.each([
    ['an unknown key', 'pk_unknown_key'],
    ['a near miss', () => ci.key.slice(0, -1) + (ci.key.endsWith('A') ? 'B' : 'A')],
    ['the hash itself', () => ci.record.sha256],
    ['an empty key', ''],
    ['a key with spaces', 'a b'],
  ])('answers 401 with a bare challenge for %s, and never echoes it', async (_name, value) => {
    const key = typeof value === 'function' ? value() : value;
    const err = await failure(authenticate, apiKey(key));
    expect(err.status).toBe(401);
    expect(err.headers['WWW-Authenticate']).toBe('Bearer realm="api"');
    if (key) expect(JSON.stringify({ message: err.message, headers: err.headers })).not.toContain(key);
  });

  it('answers 401 for an expired key', async () => {
    expect((await failure(authenticate, apiKey(old.key))).reason).toBe('expired_api_key');
  });

  it('refuses a key in the query string even when it is valid', async () => {
    const err = await failure(authenticate, { headers: {}, url: `/r?api_key=${ci.key}` });
    expect(err.status).toBe(400);
    expect(err.headers['WWW-Authenticate']).toBe('Bearer error="invalid_request"');
  });

  it('uses a custom header name', async () => {
    const custom = createAuthenticator({ apiKeys: { header: 'X-Service-Key', keys: [ci.record] } });
    await expect(custom({ headers: { 'x-service-key': ci.key } })).resolves.toMatchObject({ keyId: 'ci' });
  });

  it('does not accept bearer tokens without an issuer', async () => {
    expect((await failure(authenticate, { headers: { authorization: 'Bearer a.b.c' } })).status).toBe(401);
  });
});

describe('API key lookup', () => {
  const records = new Map<string, ApiKeyRecord>([['db-key-1', { id: 'db1', subject: 'svc', scopes: ['a'] }]]);

  it('resolves keys through lookup, with expiry', async () => {
    const authenticate = createAuthenticator({
      apiKeys: {
        lookup: async (key) => (key === 'db-expired' ? { id: 'e', expiresAt: '2000-01-01T00:00:00Z' } : records.get(key)),
      },
    });
    await expect(authenticate(apiKey('db-key-1'))).resolves.toMatchObject({ keyId: 'db1', subject: 'svc', scopes: ['a'] });
    expect((await failure(authenticate, apiKey('nope'))).status).toBe(401);
    expect((await failure(authenticate, apiKey('db-expired'))).reason).toBe('expired_api_key');
  });

  it('answers 503 when the key store fails, without its message', async () => {
    const authenticate = createAuthenticator({ apiKeys: { lookup: async () => { throw new Error('connection refused to db:5432'); } } });
    const err = await failure(authenticate, apiKey('k'));
    expect(err.status).toBe(503);
    expect(err.headers['Retry-After']).toMatch(/^\d+$/);
    expect(err.message).not.toContain('5432');
  });
});

describe('a lookup record of the wrong shape', () => {
  it('grants no scope from a scopes string and drops a non-string subject', async () => {
    const authenticate = createAuthenticator({ apiKeys: { lookup: async () => ({ id: 'odd', scopes: 'admin' as never, subject: 7 as never }) } });
    await expect(authenticate(apiKey('k'))).resolves.toEqual({ type: 'api-key', subject: undefined, scopes: [], keyId: 'odd' });
  });
});
