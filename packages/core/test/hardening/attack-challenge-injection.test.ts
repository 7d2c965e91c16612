/**
 * Response-header injection: token contents (`alg`, `kid`, `typ`, `iss`, `aud`, `crit`) holding
 * `"`, `\`, CR/LF or header-shaped text never reach `WWW-Authenticate` — RFC 6750 §3 limits the
 * quoted values to %x20-21 / %x23-5B / %x5D-7E — so no header can be split or extended, and Node
 * never throws on an invalid header character (which would turn a 401 into a 500).
 */
import express, { type Express } from 'express';
import request from 'supertest';
import { createTestIssuer, type TestIssuer } from '@portcullis/testing';
import { authenticate } from '@portcullis/express';
import { InvalidTokenError, createAuthenticator } from '@portcullis/core';
import { BARE_CHALLENGE, INVALID_TOKEN_CHALLENGE, answer, bearer, claimsFor, createRawSigner, type RawSigner } from './support.js';

const HOSTILE = 'x" , error="none"\r\nSet-Cookie: session=stolen\r\nX-Injected: 1\\';

let forge: TestIssuer;
let signer: RawSigner;
let app: Express;

beforeAll(async () => {
  forge = await createTestIssuer();
  signer = createRawSigner('ES256', 'inject-key');
  forge.setJwks({ keys: [signer.jwk] });
  app = express();
  app.get('/plain', authenticate({ ...forge.options, typ: 'at+jwt' }), (_req, res) => {
    res.json({ ok: true });
  });
  app.get('/realm', authenticate({ ...forge.options, realm: `api${HOSTILE}` }), (_req, res) => {
    res.json({ ok: true });
  });
  app.get('/validate', authenticate({
    ...forge.options,
    validate: (claims) => {
      throw new InvalidTokenError(`revoked: ${String(claims.jti)}`, 'rejected_by_validate');
    },
  }), (_req, res) => {
    res.json({ ok: true });
  });
});
afterAll(() => forge.close());

function token(header: Record<string, unknown>, members: Record<string, unknown> = {}): string {
  return signer.sign({ alg: 'ES256', kid: signer.kid, typ: 'at+jwt', ...header }, claimsFor(forge.url, forge.options.audience, members));
}

/** 401 with one well-formed challenge; unless the text was put there by the app's own hook, none of it. */
function expectClean(response: request.Response, appText = false): void {
  expect(response.status).toBe(401);
  const challenge = response.headers['www-authenticate'] as string;
  expect(challenge).toMatch(INVALID_TOKEN_CHALLENGE);
  if (!appText) expect(challenge).not.toMatch(/Set-Cookie|X-Injected|error=.?none/);
  expect(response.headers['set-cookie']).toBeUndefined();
  expect(response.headers['x-injected']).toBeUndefined();
}

describe('token contents never reach the challenge', () => {
  it.each([
    ['alg', () => token({ alg: `ES256${HOSTILE}` })],
    ['kid', () => token({ kid: HOSTILE })],
    ['typ', () => token({ typ: HOSTILE })],
    ['crit', () => token({ crit: [HOSTILE], [HOSTILE]: 1 })],
    ['iss', () => token({}, { iss: HOSTILE })],
    ['aud', () => token({}, { aud: HOSTILE })],
    ['exp', () => token({}, { exp: HOSTILE })],
    ['sub', () => token({}, { sub: { toString: HOSTILE } })],
  ])('a hostile %s: 401 with a clean challenge', async (_name, build) => {
    expectClean(await request(app).get('/plain').auth(build(), { type: 'bearer' }));
  });

  it('a description built from claims by a validate hook is sanitised', async () => {
    const response = await request(app).get('/validate').auth(token({}, { jti: HOSTILE }), { type: 'bearer' });
    expectClean(response, true);
    expect(response.headers['www-authenticate']).toBe('Bearer error="invalid_token", error_description="revoked: x , error=noneSet-Cookie: session=stolenX-Injected: 1"');
  });

  it('a configured realm with quotes and CR/LF is sanitised too', async () => {
    const response = await request(app).get('/realm');
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer realm="apix , error=noneSet-Cookie: session=stolenX-Injected: 1"');
    expect(response.headers['set-cookie']).toBeUndefined();
  });
});

describe('header values that no HTTP client may send, straight into core', () => {
  const core = () => createAuthenticator({ ...forge.options, apiKeys: { keys: [{ id: 'k', key: 'k'.repeat(32) }] } });

  it.each([
    ['an API key with CR/LF', { 'x-api-key': `${'k'.repeat(32)}\r\nX-Injected: 1` }, 401, BARE_CHALLENGE],
    ['an API key with a NUL', { 'x-api-key': `${'k'.repeat(32)}\u0000` }, 401, BARE_CHALLENGE],
    ['a Bearer token with CR/LF', { authorization: `Bearer abc\r\nX-Injected: 1` }, 400, 'Bearer error="invalid_request"'],
    ['a scheme with CR/LF', { authorization: `Bearer\r\nX-Injected: 1` }, 401, BARE_CHALLENGE],
  ])('%s is %i with an exact challenge', async (_name, headers, status, challenge) => {
    const result = await answer(core(), { headers });
    expect(result.status).toBe(status);
    expect(result.challenge).toBe(challenge);
  });

  it('a quote-laden token answers with a clean challenge', async () => {
    const result = await answer(core(), bearer(token({ kid: HOSTILE })));
    expect(result.status).toBe(401);
    expect(result.challenge).toMatch(INVALID_TOKEN_CHALLENGE);
  });
});
