import { createAuthenticator, type AuthenticatorOptions, type RequestLike } from '@portcullis/core';
import type { AlgFixture, Fixture } from '../fixtures.js';
import type { Verifier } from './harness.js';

/**
 * Options for `createAuthenticator` that accept exactly this fixture's tokens: the issuer's JWKS for
 * asymmetric algorithms, the shared secret for HS256, and only this algorithm allowed.
 *
 * @example
 * createAuthenticator({ ...portcullisOptions(fixture, 'RS256'), tokenCache: false });
 */
export function portcullisOptions(fixture: Fixture, alg: string): AuthenticatorOptions {
  const common = { issuer: fixture.issuerUrl, audience: fixture.audience, algorithms: [alg] };
  return alg === 'HS256' ? { ...common, secret: fixture.secret } : { ...common, jwksUri: fixture.jwksUri };
}

/**
 * `@portcullis/core` called directly with a RequestLike (a fresh object per call). `cache: false` is
 * the cold path (`tokenCache: false`: every call checks the signature); `cache: true` keeps the
 * default verified-token cache, which the driver fills before timing. `extra` overrides options
 * (the JWKS section shortens the cooldown).
 *
 * @example
 * const cold = createPortcullisVerifier(fixture, fixture.algs.get('RS256')!, false);
 */
export function createPortcullisVerifier(
  fixture: Fixture,
  alg: AlgFixture,
  cache: boolean,
  extra: Partial<AuthenticatorOptions> = {},
): Verifier {
  const options = { ...portcullisOptions(fixture, alg.alg), ...extra };
  const authenticate = createAuthenticator(cache ? options : { ...options, tokenCache: false });
  return {
    kind: 'async',
    primeAll: cache,
    bind(tokens) {
      const headers = tokens.map((t) => `Bearer ${t}`);
      return (i) => {
        const request: RequestLike = { headers: { authorization: headers[i] }, method: 'GET', url: '/api' };
        return authenticate(request);
      };
    },
  };
}
