/**
 * Koa middleware for portcullis: a thin layer over `@portcullis/core`.
 *
 * The adapter maps Koa's request to core's `RequestLike`, stores the result in `ctx.state.auth`, and lets
 * failures propagate. Core's errors are `http-errors` objects carrying `status`, `expose` and `headers`,
 * which Koa's default `ctx.onerror` copies onto the response, so no adapter code is needed to answer them.
 */
import type { Middleware } from 'koa';
import {
  createAuthenticator,
  errorResponse,
  fromNodeRequest,
  isAuthError,
  MissingCredentialsError,
  scopeGuard,
  type AuthContext,
  type AuthenticatorOptions,
  type ScopeCheckOptions,
} from '@portcullis/core';

export type { AuthContext, AuthenticatorOptions } from '@portcullis/core';

declare module 'koa' {
  interface DefaultState {
    /** Set by `authenticate()` once the request's credential was proven; absent otherwise. */
    auth?: AuthContext;
  }
}

/**
 * Options of {@link requireScopes}: `mode` — `'all'` (default) needs every listed scope, `'any'` one of
 * them; `realm` — realm of the 401 challenge when the request was never authenticated, default `'api'`.
 */
export type RequireScopesOptions = ScopeCheckOptions;

/**
 * Builds middleware that authenticates each request and sets `ctx.state.auth`.
 *
 * The authenticator (and with it the JWKS cache) is created once, here, never per request. Options are
 * core's `AuthenticatorOptions`; invalid options throw a `TypeError` now rather than at request time.
 * With `credentialsRequired: false` (default `true`) a request that presents no credential continues
 * without `ctx.state.auth`; a credential that is presented but bad is still rejected. A parsed body
 * (`ctx.request.body`, from a body parser placed earlier) is passed on for `allowBodyToken`.
 *
 * @example
 * import Koa from 'koa';
 * import { authenticate } from '@portcullis/koa';
 *
 * const app = new Koa();
 * app.use(authenticate({ issuer: 'https://idp.example.com/', audience: 'https://api.example.com' }));
 * app.use((ctx) => {
 *   ctx.body = { subject: ctx.state.auth?.subject };
 * });
 */
export function authenticate(options: AuthenticatorOptions): Middleware {
  const authenticator = createAuthenticator(options);
  const optional = options.credentialsRequired === false;

  return async function portcullisAuthenticate(ctx, next) {
    const body = (ctx.request as { body?: unknown }).body;
    try {
      ctx.state.auth = await authenticator(fromNodeRequest(ctx.req, body));
    } catch (err) {
      // Only the absence of any credential may pass in optional mode (RFC 6750 §3.1: a request without
      // authentication is not an error); anything presented and wrong stays an error.
      if (!(optional && err instanceof MissingCredentialsError)) throw err;
    }
    await next();
  };
}

/**
 * Builds middleware that lets a request through only when `ctx.state.auth` holds the required scopes.
 *
 * Throws 403 `insufficient_scope` (with `scope="…"` in the challenge, RFC 6750 §3.1) when a scope is
 * missing, and 401 when the request was never authenticated. Place it after {@link authenticate}. The
 * scopes are validated now (core's `scopeGuard`): an empty list or an empty scope throws a `TypeError`.
 *
 * @example
 * router.post('/messages', requireScopes('write:messages'), createMessage);
 * router.get('/admin', requireScopes(['admin', 'support'], { mode: 'any' }), showAdmin);
 */
export function requireScopes(scopes: string | readonly string[], options: RequireScopesOptions = {}): Middleware {
  const check = scopeGuard(scopes, options);
  return async function portcullisRequireScopes(ctx, next) {
    check(ctx.state.auth);
    await next();
  };
}

/**
 * Builds middleware that answers portcullis errors thrown further down with a JSON body
 * (`{ "error": "invalid_token", "error_description": "…" }`), the same status and the same headers
 * (`WWW-Authenticate`, `Retry-After`). The body never carries a stack trace or token text. Any other
 * error is rethrown untouched. Place it before {@link authenticate}.
 *
 * @example
 * app.use(errorHandler());
 * app.use(authenticate(options));
 */
export function errorHandler(): Middleware {
  return async function portcullisErrorHandler(ctx, next) {
    try {
      await next();
    } catch (err) {
      if (!isAuthError(err) || ctx.headerSent) throw err;
      const { status, headers, body } = errorResponse(err);
      ctx.status = status;
      ctx.set(headers);
      ctx.body = body;
    }
  };
}
