import { createTestIssuer, type TestIssuer } from '@portcullis/testing';
import { createAuthenticator, KeysUnavailableError, type AuthenticatorOptions } from '@portcullis/core';
import { randomUUID } from 'node:crypto';
import { bearer, failure, withHeader, decodeHeader } from './helpers.js';

let issuer: TestIssuer;

beforeEach(async () => {
  issuer = await createTestIssuer();
});
afterEach(() => issuer.close());

function authenticator(extra: Partial<AuthenticatorOptions> = {}) {
  return createAuthenticator({ ...issuer.options, tokenCache: false, ...extra, jwks: { timeout: 1, ...extra.jwks } });
}

describe('JWKS fetching', () => {
  it('fetches exactly once for 200 concurrent requests at cold start', async () => {
    const authenticate = authenticator();
    const token = await issuer.sign();
    const results = await Promise.all(Array.from({ length: 200 }, () => authenticate(bearer(token))));
    expect(results).toHaveLength(200);
    expect(issuer.requests.jwks).toBe(1);
  });

  it('discovers the JWKS through the issuer metadata when no jwksUri is given', async () => {
    const authenticate = createAuthenticator({ issuer: issuer.url, audience: issuer.options.audience });
    await expect(authenticate(bearer(await issuer.sign()))).resolves.toMatchObject({ type: 'jwt' });
    expect(issuer.requests).toEqual({ discovery: 1, jwks: 1 });
  });

  it('fetches exactly once more for 200 concurrent requests with a new kid after rotation', async () => {
    const authenticate = authenticator({ jwks: { cooldown: 0 } });
    await authenticate(bearer(await issuer.sign()));
    const { kid } = await issuer.rotate();
    const token = await issuer.sign();
    expect(decodeHeader(token).kid).toBe(kid);
    issuer.resetRequests();
    const results = await Promise.all(Array.from({ length: 200 }, () => authenticate(bearer(token))));
    expect(results.every((auth) => auth.keyId === kid)).toBe(true);
    expect(issuer.requests.jwks).toBe(1);
  });

  it('costs at most one fetch for a flood of 1,000 random unknown kids, all answered 401', async () => {
    const authenticate = authenticator();
    const token = await issuer.sign();
    await authenticate(bearer(token));
    issuer.resetRequests();
    const header = decodeHeader(token);
    const statuses = await Promise.all(Array.from({ length: 1000 }, async () => {
      const forged = withHeader(token, { ...header, kid: randomUUID() });
      return (await failure(authenticate, bearer(forged))).status;
    }));
    expect(new Set(statuses)).toEqual(new Set([401]));
    expect(issuer.requests.jwks).toBeLessThanOrEqual(1);
  });

  it('drops a removed key after rotation without keepOld', async () => {
    const authenticate = authenticator({ jwks: { cooldown: 0 } });
    const old = await issuer.sign();
    await authenticate(bearer(old));
    await issuer.rotate({ keepOld: false });
    await authenticate(bearer(await issuer.sign()));
    const err = await failure(authenticate, bearer(old));
    expect(err.status).toBe(401);
    expect(err.reason).toBe('unknown_key');
  });
});

describe('when the IdP fails', () => {
  it('answers 503 with Retry-After when it is down and nothing is cached, fetching once per window', async () => {
    issuer.setFault('down');
    const authenticate = authenticator({ jwks: { retryAfter: 30 } });
    const token = await issuer.sign();
    const err = await failure(authenticate, bearer(token));
    expect(err).toBeInstanceOf(KeysUnavailableError);
    expect(err.status).toBe(503);
    expect(Number(err.headers['Retry-After'])).toBeGreaterThan(0);
    for (let i = 0; i < 20; i++) expect((await failure(authenticate, bearer(token))).status).toBe(503);
    expect(issuer.requests.jwks).toBe(1);
  });

  it.each(['garbage', 'html', 'status500', 'truncated', 'noUsableKeys', 'redirect'] as const)('answers 503 for a JWKS that is %s', async (fault) => {
    issuer.setFault(fault);
    const err = await failure(authenticator(), bearer(await issuer.sign()));
    expect(err.status).toBe(503);
    expect(err.headers['Retry-After']).toMatch(/^\d+$/);
  });

  it('answers 503 within the timeout when the IdP is slow', async () => {
    issuer.setFault('slow', { delayMs: 5000 });
    const started = Date.now();
    const err = await failure(authenticator({ jwks: { timeout: 0.3 } }), bearer(await issuer.sign()));
    expect(err.status).toBe(503);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('answers 503 when discovery names another issuer', async () => {
    issuer.setFault('wrongIssuer', { target: 'discovery' });
    const authenticate = createAuthenticator({ issuer: issuer.url, audience: issuer.options.audience });
    expect((await failure(authenticate, bearer(await issuer.sign()))).status).toBe(503);
  });

  it('keeps cached keys working while the IdP is down (stale-if-error)', async () => {
    // cacheMaxAge 0 (bounded to 0 s) makes every use a refresh, so the outage is hit at once.
    const authenticate = authenticator({ jwks: { cacheMaxAgeBounds: [0, 0], cacheMaxAge: 0 } });
    const token = await issuer.sign();
    await authenticate(bearer(token));
    issuer.setFault('down');
    await new Promise((resolve) => setTimeout(resolve, 5));
    await expect(authenticate(bearer(token))).resolves.toMatchObject({ type: 'jwt' });
    const { kid } = await issuer.rotate();
    const unknown = await issuer.sign();
    expect(decodeHeader(unknown).kid).toBe(kid);
    expect((await failure(authenticate, bearer(unknown))).status).toBe(503);
  });

  it('stops using stale keys after maxStale', async () => {
    const authenticate = authenticator({ jwks: { cacheMaxAgeBounds: [0, 0], cacheMaxAge: 0, maxStale: 0, retryAfter: 0 } });
    const token = await issuer.sign();
    await authenticate(bearer(token));
    issuer.setFault('down');
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect((await failure(authenticate, bearer(token))).status).toBe(503);
  });

  it('recovers once the IdP is back', async () => {
    const authenticate = authenticator({ jwks: { retryAfter: 0 } });
    issuer.setFault('down');
    const token = await issuer.sign();
    expect((await failure(authenticate, bearer(token))).status).toBe(503);
    issuer.setFault(null);
    await new Promise((resolve) => setTimeout(resolve, 5));
    await expect(authenticate(bearer(token))).resolves.toMatchObject({ type: 'jwt' });
  });
});

describe('multiple issuers', () => {
  it('checks each token only against its own issuer keys', async () => {
    const other = await createTestIssuer({ audience: issuer.options.audience });
    try {
      const authenticate = createAuthenticator({ issuer: [issuer.url, other.url], audience: issuer.options.audience, tokenCache: false });
      await expect(authenticate(bearer(await issuer.sign()))).resolves.toMatchObject({ claims: { iss: issuer.url } });
      await expect(authenticate(bearer(await other.sign()))).resolves.toMatchObject({ claims: { iss: other.url } });
      // Signed by `other`'s key but claiming to come from `issuer`: the key is not in issuer's set.
      const crossed = await other.sign({ iss: issuer.url });
      expect((await failure(authenticate, bearer(crossed))).status).toBe(401);
      expect(issuer.requests.discovery).toBeGreaterThan(0);
      expect(other.requests.discovery).toBeGreaterThan(0);
    } finally {
      await other.close();
    }
  });

  it('never fetches anything for a token from an issuer that is not configured', async () => {
    const other = await createTestIssuer({ audience: issuer.options.audience });
    try {
      const authenticate = authenticator();
      const err = await failure(authenticate, bearer(await other.sign()));
      expect(err.status).toBe(401);
      expect(issuer.requests.jwks + other.requests.jwks + other.requests.discovery).toBe(0);
    } finally {
      await other.close();
    }
  });
});
