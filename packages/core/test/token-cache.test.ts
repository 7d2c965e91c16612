import { createTestIssuer, type TestIssuer } from '@portcullis/testing';
import { createAuthenticator, type AuthenticatorOptions } from '@portcullis/core';
import { bearer, failure } from './helpers.js';
import { TokenCache } from '../src/token-cache.js';
import type { VerificationKey } from '../src/signature.js';

let issuer: TestIssuer;
beforeEach(async () => {
  issuer = await createTestIssuer();
});
afterEach(() => issuer.close());

const authenticator = (extra: Partial<AuthenticatorOptions> = {}) => createAuthenticator({ ...issuer.options, ...extra });

describe('the verified-token cache', () => {
  it('still runs validate on every hit (revocation)', async () => {
    const revoked = new Set<string>();
    const authenticate = authenticator({ validate: (claims) => !revoked.has(claims.jti!) });
    const token = await issuer.sign({ jti: 'j1' });
    await authenticate(bearer(token));
    await authenticate(bearer(token));
    revoked.add('j1');
    expect((await failure(authenticate, bearer(token))).reason).toBe('rejected_by_validate');
  });

  it('re-checks exp on a hit: an entry never outlives its token', async () => {
    const authenticate = authenticator({ clockTolerance: 0 });
    const token = await issuer.sign({ exp: Math.floor(Date.now() / 1000) + 1 });
    await authenticate(bearer(token));
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await failure(authenticate, bearer(token))).reason).toBe('expired');
  });

  it('drops entries signed by a key that left the JWKS', async () => {
    const authenticate = authenticator({ jwks: { cooldown: 0 } });
    const old = await issuer.sign();
    await authenticate(bearer(old));
    await issuer.rotate({ keepOld: false });
    await authenticate(bearer(await issuer.sign())); // the new kid triggers the refresh
    expect((await failure(authenticate, bearer(old))).reason).toBe('unknown_key');
  });

  it('returns the same identity on a hit, with the token', async () => {
    const authenticate = authenticator();
    const token = await issuer.sign({ sub: 'bob', scope: 'a' });
    const first = await authenticate(bearer(token));
    const second = await authenticate(bearer(token));
    expect(second).toEqual(first);
    expect(second.token).toBe(token);
  });

  it('caches only successes and is bounded', () => {
    const key: VerificationKey = { algorithms: new Set(['RS256']), key: new Uint8Array(), retired: false };
    const cache = new TokenCache({ maxEntries: 2, maxBytes: 1 << 20 });
    const exp = Date.now() / 1000 + 60;
    cache.set('a', { context: { type: 'jwt', scopes: [] }, key }, exp);
    cache.set('b', { context: { type: 'jwt', scopes: [] }, key }, exp);
    cache.set('c', { context: { type: 'jwt', scopes: [] }, key }, exp);
    expect(cache.size).toBe(2);
    cache.set('x'.repeat(5000), { context: { type: 'jwt', scopes: [] }, key }, exp);
    cache.set('expired', { context: { type: 'jwt', scopes: [] }, key }, Date.now() / 1000 - 1);
    expect(cache.get('x'.repeat(5000))).toBeUndefined();
    expect(cache.get('expired')).toBeUndefined();
    const small = new TokenCache({ maxEntries: 100, maxBytes: 1000 });
    for (let i = 0; i < 10; i++) small.set(`token-${i}`, { context: { type: 'jwt', scopes: [] }, key }, exp);
    expect(small.size).toBeLessThan(10);
  });

  it('can be turned off', async () => {
    const seen: number[] = [];
    const authenticate = authenticator({ tokenCache: false, validate: () => { seen.push(1); return true; } });
    const token = await issuer.sign();
    await authenticate(bearer(token));
    issuer.setFault('down');
    await authenticate(bearer(token)); // keys are cached, so still fine
    expect(seen).toHaveLength(2);
  });
});
