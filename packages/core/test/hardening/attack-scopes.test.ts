/**
 * Scope attacks through a real Express app: substrings, prefixes, case, comma/semicolon/tab
 * joins, look-alike whitespace, wildcards, and claim shapes (RFC 6749 §3.3: scope-tokens are
 * space-delimited and compared exactly; RFC 9068 §2.2.3). Only an exact, case-sensitive token in
 * `scope` (string) or `scp` (string or array) grants a scope.
 */
import express, { type Express } from 'express';
import request from 'supertest';
import { createTestIssuer, generateApiKey, type TestIssuer } from '@portcullis/testing';
import { authenticate, requireScopes } from '@portcullis/express';
import { claimsFor, createRawSigner, type RawSigner } from './support.js';

let forge: TestIssuer;
let signer: RawSigner;
let app: Express;
const keys = {
  good: generateApiKey({ id: 'good', scopes: ['read:messages'] }),
  wide: generateApiKey({ id: 'wide', scopes: ['read:messages:all'] }),
  upper: generateApiKey({ id: 'upper', scopes: ['READ:MESSAGES'] }),
  joined: generateApiKey({ id: 'joined', scopes: ['read:messages write:messages'] }),
};

beforeAll(async () => {
  forge = await createTestIssuer();
  signer = createRawSigner('ES256', 'scope-key');
  forge.setJwks({ keys: [signer.jwk] });
  const auth = authenticate({ ...forge.options, apiKeys: { keys: Object.values(keys).map((k) => k.record) } });
  const ok = (_req: express.Request, res: express.Response): void => {
    res.json({ ok: true });
  };
  app = express();
  app.get('/messages', auth, requireScopes('read:messages'), ok);
  app.get('/both', auth, requireScopes(['read:messages', 'write:messages']), ok);
  app.get('/any', auth, requireScopes(['read:messages', 'admin'], { mode: 'any' }), ok);
});
afterAll(() => forge.close());

function token(members: Record<string, unknown>): string {
  return signer.sign({ alg: 'ES256', kid: signer.kid }, claimsFor(forge.url, forge.options.audience, members));
}

const challenge = (scope: string): string => `Bearer error="insufficient_scope", scope="${scope}"`;

describe('GET /messages requires read:messages', () => {
  it.each([
    ['scope "read:messages"', { scope: 'read:messages' }],
    ['scope among others', { scope: 'write:messages read:messages' }],
    ['scp as a string', { scp: 'read:messages' }],
    ['scp as an array', { scp: ['admin', 'read:messages'] }],
    ['scope as an array (taken at face value, exact elements)', { scope: ['read:messages'] }],
  ])('%s is 200', async (_name, members) => {
    await request(app).get('/messages').auth(token(members), { type: 'bearer' }).expect(200, { ok: true });
  });

  it.each([
    ['a longer scope that starts with it', { scope: 'read:messagesX' }],
    ['a longer scope that ends with it', { scope: 'xread:messages' }],
    ['a hierarchical child', { scope: 'read:messages:all' }],
    ['a prefix', { scope: 'read' }],
    ['a prefix with the colon', { scope: 'read:' }],
    ['the suffix', { scope: 'messages' }],
    ['upper case', { scope: 'READ:MESSAGES' }],
    ['title case', { scope: 'Read:Messages' }],
    ['comma-joined', { scope: 'read:messages,write:messages' }],
    ['semicolon-joined', { scope: 'read:messages;admin' }],
    ['tab-joined', { scope: 'read:messages\tadmin' }],
    ['a trailing no-break space', { scope: 'read:messages\u00a0' }],
    ['a zero-width space', { scope: 'read:\u200bmessages' }],
    ['a wildcard', { scope: 'read:*' }],
    ['a bare star', { scope: '*' }],
    ['a number', { scope: 123 }],
    ['null', { scope: null }],
    ['an object keyed by the scope', { scope: { 'read:messages': true } }],
    ['an empty string', { scope: '' }],
    ['scp element holding two scopes', { scp: ['read:messages write:messages'] }],
    ['scp nested array', { scp: [['read:messages']] }],
    ['scp object', { scp: { 0: 'read:messages' } }],
    ['an empty scp', { scp: [] }],
    ['permissions (not a configured scope claim)', { permissions: ['read:messages'] }],
    ['roles', { roles: ['read:messages'] }],
    ['no scope at all', {}],
  ])('%s is 403 with the exact challenge', async (_name, members) => {
    const response = await request(app).get('/messages').auth(token(members), { type: 'bearer' });
    expect(response.status).toBe(403);
    expect(response.headers['www-authenticate']).toBe(challenge('read:messages'));
  });

  it.each([
    ['wide', 'a hierarchical child scope'],
    ['upper', 'upper case'],
    ['joined', 'two scopes in one element'],
  ] as const)('an API key granting %s (%s) is 403', async (name, _description) => {
    const response = await request(app).get('/messages').set('x-api-key', keys[name].key);
    expect(response.status).toBe(403);
    expect(response.headers['www-authenticate']).toBe(challenge('read:messages'));
  });

  it('the API key granting exactly read:messages is 200', async () => {
    await request(app).get('/messages').set('x-api-key', keys.good.key).expect(200);
  });
});

describe('several required scopes', () => {
  it('mode all: one of two is 403 naming both', async () => {
    const response = await request(app).get('/both').auth(token({ scope: 'read:messages' }), { type: 'bearer' });
    expect(response.status).toBe(403);
    expect(response.headers['www-authenticate']).toBe(challenge('read:messages write:messages'));
  });

  it('mode all: both in one comma-joined token is 403', async () => {
    const response = await request(app).get('/both').auth(token({ scope: 'read:messages,write:messages' }), { type: 'bearer' });
    expect(response.status).toBe(403);
  });

  it('mode any: admin is 200, administrator is 403', async () => {
    await request(app).get('/any').auth(token({ scope: 'admin' }), { type: 'bearer' }).expect(200);
    const response = await request(app).get('/any').auth(token({ scope: 'administrator' }), { type: 'bearer' });
    expect(response.status).toBe(403);
    expect(response.headers['www-authenticate']).toBe(challenge('read:messages admin'));
  });
});
