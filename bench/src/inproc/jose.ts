import { jwtVerify } from 'jose';
import type { AlgFixture, Fixture } from '../fixtures.js';
import type { Verifier } from './harness.js';

/**
 * jose 6 `jwtVerify` with the key imported once (a CryptoKey, or the raw secret for HS256), checking
 * `iss`, `aud` and the algorithm like every other row.
 *
 * @example
 * const op = createJoseVerifier(fixture, fixture.algs.get('RS256')!).bind(tokens);
 */
export function createJoseVerifier(fixture: Fixture, alg: AlgFixture): Verifier {
  const options = { issuer: fixture.issuerUrl, audience: fixture.audience, algorithms: [alg.alg] };
  return {
    kind: 'async',
    bind(tokens) {
      return (i) => jwtVerify(tokens[i]!, alg.joseKey, options);
    },
  };
}
