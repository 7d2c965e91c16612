import { auth } from 'express-oauth2-jwt-bearer';
import { expressjwt, type GetVerificationKey, type Params } from 'express-jwt';
import jwksRsa from 'jwks-rsa';
import koaJwt from 'koa-jwt';
import type { AlgFixture, Fixture } from '../fixtures.js';
import type { Verifier } from './harness.js';

type Next = (err?: unknown) => void;
type ExpressLike = (req: unknown, res: unknown, next: Next) => unknown;

/** jsonwebtoken (under express-jwt and koa-jwt) has no EdDSA. */
const JSONWEBTOKEN_ALGS = new Set(['RS256', 'PS256', 'ES256', 'HS256']);

/**
 * express-oauth2-jwt-bearer's `auth()` middleware, called with a minimal Express-shaped request (the
 * fields it reads: headers, method, url, protocol, `get`, `is`). A fresh request object per call,
 * as a server would have. `extra` overrides options (the JWKS section shortens the cooldown, in ms).
 *
 * @example
 * const op = createAuth0Verifier(fixture, fixture.algs.get('RS256')!).bind(tokens);
 */
export function createAuth0Verifier(fixture: Fixture, alg: AlgFixture, extra: { cooldownDuration?: number } = {}): Verifier {
  const common = { issuer: fixture.issuerUrl, audience: fixture.audience, tokenSigningAlg: alg.alg, ...extra };
  const options = alg.alg === 'HS256' ? { ...common, secret: fixture.secret } : { ...common, jwksUri: fixture.jwksUri };
  return expressVerifier(auth(options) as ExpressLike, (token) => expressRequest(token));
}

/**
 * express-jwt with jwks-rsa's `expressJwtSecret` (cache on, as its README recommends), or the shared
 * secret for HS256. Returns null for EdDSA, which jsonwebtoken does not implement.
 *
 * @example
 * const verifier = createExpressJwtVerifier(fixture, fixture.algs.get('ES256')!);
 */
export function createExpressJwtVerifier(fixture: Fixture, alg: AlgFixture): Verifier | null {
  if (!JSONWEBTOKEN_ALGS.has(alg.alg)) return null;
  const secret =
    alg.alg === 'HS256'
      ? fixture.secret
      : (jwksRsa.expressJwtSecret({ jwksUri: fixture.jwksUri, cache: true, rateLimit: false }) as GetVerificationKey);
  const middleware = expressjwt({
    secret,
    algorithms: [alg.alg] as Params['algorithms'],
    issuer: fixture.issuerUrl,
    audience: fixture.audience,
  });
  return expressVerifier(middleware as unknown as ExpressLike, (token) => expressRequest(token));
}

/**
 * koa-jwt with jwks-rsa's `koaJwtSecret` (cache on), or the shared secret for HS256, called with a
 * minimal Koa-shaped context. Returns null for EdDSA (jsonwebtoken).
 *
 * @example
 * const verifier = createKoaJwtVerifier(fixture, fixture.algs.get('RS256')!);
 */
export function createKoaJwtVerifier(fixture: Fixture, alg: AlgFixture): Verifier | null {
  if (!JSONWEBTOKEN_ALGS.has(alg.alg)) return null;
  const secret = alg.alg === 'HS256' ? fixture.secret : jwksRsa.koaJwtSecret({ jwksUri: fixture.jwksUri, cache: true });
  const middleware = koaJwt({ secret, algorithms: [alg.alg], issuer: fixture.issuerUrl, audience: fixture.audience });
  const next = (): Promise<void> => Promise.resolve();
  return {
    kind: 'async',
    bind(tokens) {
      return (i) => middleware(koaContext(tokens[i]!) as never, next);
    },
  };
}

function expressVerifier(middleware: ExpressLike, makeRequest: (token: string) => unknown): Verifier {
  const res = {};
  return {
    kind: 'async',
    bind(tokens) {
      return (i) =>
        new Promise<void>((resolve, reject) => {
          void middleware(makeRequest(tokens[i]!), res, (err?: unknown) => (err ? reject(err) : resolve()));
        });
    },
  };
}

function expressRequest(token: string): unknown {
  const headers: Record<string, string> = { host: '127.0.0.1', authorization: `Bearer ${token}` };
  return {
    headers,
    method: 'GET',
    url: '/api',
    originalUrl: '/api',
    protocol: 'http',
    query: {},
    get: (name: string) => headers[name.toLowerCase()],
    is: () => false,
  };
}

function koaContext(token: string): unknown {
  const header = { host: '127.0.0.1', authorization: `Bearer ${token}` };
  return {
    header,
    headers: header,
    method: 'GET',
    url: '/api',
    state: {},
    throw(status: number, message: string) {
      throw Object.assign(new Error(message), { status });
    },
  };
}
