/**
 * The shapes that cross the public API: the request portcullis reads and the identity it returns.
 */
import type { JWTHeaderParameters, JWTPayload } from 'jose';

export type { JWTHeaderParameters, JWTPayload };

/**
 * The part of an HTTP request portcullis reads. Headers as Node gives them: lower-case names,
 * values a string or, for repeated headers, an array.
 *
 * @example
 * await authenticate({ headers: { authorization: 'Bearer eyJ…' }, method: 'GET', url: '/messages' })
 */
export interface RequestLike {
  headers: Record<string, string | string[] | undefined>;
  method?: string;
  /** The request target (path and query), used only to detect credentials in the query string. */
  url?: string;
  /** A parsed `application/x-www-form-urlencoded` body, used only to detect `access_token` in it. */
  body?: unknown;
}

/**
 * Who the caller proved to be. `req.auth` in Express, `ctx.state.auth` in Koa.
 *
 * @example
 * if (auth.type === 'jwt') console.log(auth.subject, auth.scopes, auth.claims?.iss)
 */
export interface AuthContext {
  type: 'jwt' | 'api-key';
  /** `sub` of a JWT; the `subject` of an API key record. */
  subject?: string;
  /** Granted scopes, de-duplicated, in the order found. */
  scopes: string[];
  /** The verified JWT claims (frozen). */
  claims?: JWTPayload;
  /** The verified JWS protected header (frozen). */
  header?: JWTHeaderParameters;
  /** The raw bearer token, for forwarding to upstream services. */
  token?: string;
  /** JWT: the `kid` of the key that verified it. API key: the record's `id`. */
  keyId?: string;
}

/**
 * An API key as returned by a `lookup` function or configured in `apiKeys.keys`.
 *
 * @example
 * const record: ApiKeyRecord = { id: 'ci', subject: 'ci-bot', scopes: ['read:messages'] }
 */
export interface ApiKeyRecord {
  id: string;
  subject?: string;
  scopes?: string[];
  expiresAt?: string | Date;
}

/**
 * Verifies a request's credentials; resolves to the caller's {@link AuthContext} or rejects with an
 * {@link AuthError}.
 *
 * @example
 * const auth = await authenticate({ headers: req.headers, url: req.url })
 */
export interface Authenticator {
  (request: RequestLike): Promise<AuthContext>;
  /**
   * The same check, answered without a promise when nothing has to be awaited (a cached token, or a
   * key already at hand): returns the context, throws the `AuthError`, or — when a JWKS fetch, an
   * API-key lookup or the `validate` hook must be awaited — returns a promise. For adapters that can
   * then continue in the same tick (a deferred continuation costs an HTTP server measurable CPU).
   *
   * @example
   * const result = authenticate.direct(request)
   * const auth = result instanceof Promise ? await result : result
   */
  direct(request: RequestLike): AuthContext | Promise<AuthContext>;
}
