import { createAuthenticator, type AuthenticatorOptions } from '@portcullis/core';

const base = { issuer: 'https://idp.example.com/', audience: 'https://api.example.com' };

function typeError(options: unknown): string {
  try {
    createAuthenticator(options as AuthenticatorOptions);
  } catch (err) {
    expect(err).toBeInstanceOf(TypeError);
    return (err as Error).message;
  }
  throw new Error('expected a TypeError');
}

describe('options are validated at construction', () => {
  it.each([
    [{}, /`issuer` is required unless `apiKeys`/],
    [{ issuer: 'https://idp.example.com/' }, /`audience` is required/],
    [{ ...base, audience: [] }, /`audience` must not be empty/],
    [{ ...base, audience: '' }, /`audience`/],
    [{ ...base, algorithms: ['none'] }, /`algorithms` must never contain "none"/],
    [{ ...base, algorithms: ['RS256', 'XX999'] }, /unknown algorithm "XX999"/],
    [{ ...base, algorithms: ['HS256'] }, /`algorithms` contains HS256/],
    [{ ...base, secret: 'short' }, /`secret` must be at least 32 bytes/],
    [{ ...base, secret: 'x'.repeat(32), algorithms: ['RS256'] }, /`algorithms` contains RS256/],
    [{ ...base, clockTolerance: -1 }, /`clockTolerance`/],
    [{ ...base, clockTolerance: Number.NaN }, /`clockTolerance`/],
    [{ ...base, jwksUri: 'ftp://idp.example.com/jwks' }, /`jwksUri` must use https/],
    [{ ...base, jwksUri: 'http://idp.example.com/jwks' }, /`jwksUri` must use https/],
    [{ ...base, jwksUri: 'not a url' }, /`jwksUri` must be an absolute URL/],
    [{ ...base, issuer: 'http://idp.example.com/' }, /`issuer` must use https/],
    [{ ...base, apiKeys: {} }, /`apiKeys` needs `keys` or `lookup`/],
    [{ ...base, apiKeys: { header: 'Authorization', keys: [] } }, /`apiKeys.header`/],
    [{ ...base, apiKeys: { keys: [{ id: 'a' }] } }, /exactly one of `key` and `sha256`/],
    [{ ...base, apiKeys: { keys: [{ id: 'a', sha256: 'abc' }] } }, /`apiKeys.keys\[0\].sha256` must be 64 hex/],
    [{ ...base, apiKeys: { keys: [{ id: 'a', key: 'k1' }, { id: 'a', key: 'k2' }] } }, /duplicate id/],
    [{ ...base, apiKeys: { keys: [{ id: 'a', key: 'k', expiresAt: 'soon' }] } }, /expiresAt/],
    [{ ...base, validate: 'yes' }, /`validate` must be a function/],
    [{ ...base, tokenCache: 3 }, /`tokenCache`/],
    [{ ...base, jwks: { timeout: 0 } }, /`jwks.timeout`/],
  ])('%j', (options, message) => {
    expect(typeError(options)).toMatch(message);
  });

  it('accepts API keys alone, and http for loopback issuers', () => {
    expect(typeof createAuthenticator({ apiKeys: { keys: [{ id: 'a', key: 'k' }] } })).toBe('function');
    expect(typeof createAuthenticator({ issuer: 'http://127.0.0.1:9/', audience: 'a' })).toBe('function');
    expect(typeof createAuthenticator({ issuer: 'http://idp.internal/', audience: 'a', allowInsecureHttp: true })).toBe('function');
    expect(typeof createAuthenticator({ ...base, secret: 'x'.repeat(32) })).toBe('function');
  });

  it('never puts a secret into an error message', () => {
    const message = typeError({ ...base, apiKeys: { keys: [{ id: 'a', key: 'has space secret' }] } });
    expect(message).not.toContain('has space secret');
  });
});

describe('HMAC algorithms follow the secret length (RFC 7518 §3.2)', () => {
  it('refuses HS384/HS512 with a secret shorter than their hash', () => {
    expect(typeError({ ...base, secret: 'x'.repeat(32), algorithms: ['HS512'] })).toMatch(/HS512, whose secret must be at least 64 bytes/);
    expect(typeError({ ...base, secret: 'x'.repeat(47), algorithms: ['HS384'] })).toMatch(/at least 48 bytes/);
    expect(typeof createAuthenticator({ ...base, secret: 'x'.repeat(64), algorithms: ['HS512'] })).toBe('function');
  });
});

describe('a key where a secret belongs', () => {
  it('is refused: a PEM or JWK text as the HMAC secret would reopen key confusion', () => {
    const pem = '-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA\n-----END PUBLIC KEY-----\n';
    expect(typeError({ ...base, secret: pem })).toMatch(/looks like a PEM or JWK key/);
    expect(typeError({ ...base, secret: ' {"kty":"RSA","n":"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4","e":"AQAB"}' })).toMatch(/looks like/);
  });
});

describe('sizes and counts', () => {
  it('must be positive integers, and say so', () => {
    expect(typeError({ ...base, maxTokenSize: 1.5 })).toMatch(/`maxTokenSize` must be a positive integer/);
    expect(typeError({ ...base, tokenCache: { maxEntries: 0 } })).toMatch(/`tokenCache.maxEntries` must be a positive integer/);
    expect(typeError({ ...base, jwks: { maxResponseBytes: -1 } })).toMatch(/`jwks.maxResponseBytes` must be a positive integer/);
  });
});
