/**
 * Express middleware for portcullis: a thin layer over `@portcullis/core`.
 *
 * The adapter maps Express's request to core's `RequestLike`, attaches the result as `req.auth`, and hands
 * failures to `next(err)`. Core's errors are `http-errors` objects that carry `status`, `expose` and
 * `headers['WWW-Authenticate']`, so Express's default final handler already answers correctly; every
 * decision about what a request proves lives in core.
 */
import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from 'express';
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

declare global {
  // Express's own typings are extended through this global namespace (both Express 4 and 5 types).
  namespace Express {
    interface Request {
      /** Set by `authenticate()` once the request's credential was proven; absent otherwise. */
      auth?: AuthContext;
    }
  }
}

/**
 * Options of {@link requireScopes}: `mode` — `'all'` (default) needs every listed scope, `'any'` one of
 * them; `realm` — realm of the 401 challenge when the request was never authenticated, default `'api'`.
 */
export type RequireScopesOptions = ScopeCheckOptions;

/**
 * Builds middleware that authenticates each request and sets `req.auth`.
 *
 * The authenticator (and with it the JWKS cache) is created once, here, never per request. Options are
 * core's `AuthenticatorOptions`; invalid options throw a `TypeError` now rather than at request time.
 * With `credentialsRequired: false` (default `true`) a request that presents no credential continues
 * without `req.auth`; a credential that is presented but bad is still rejected.
 *
 * @example
 * import express from 'express';
 * import { authenticate, requireScopes } from '@portcullis/express';
 *
 * const app = express();
 * app.use(authenticate({ issuer: 'https://idp.example.com/', audience: 'https://api.example.com' }));
 * app.get('/messages', requireScopes('read:messages'), (req, res) => {
 *   res.json({ subject: req.auth?.subject });
 * });
 */
export function authenticate(options: AuthenticatorOptions): RequestHandler {
  const authenticator = createAuthenticator(options);
  const optional = options.credentialsRequired === false;

  function fail(err: unknown, next: NextFunction): void {
    // Only the absence of any credential may pass in optional mode (RFC 6750 §3.1: a request without
    // authentication is not an error); anything presented and wrong stays an error.
    if (optional && err instanceof MissingCredentialsError) next();
    else next(err);
  }

  // Not async: when core answers at once (a cached token, a key at hand) the request continues in the
  // same tick — deferring it to a microtask costs Node's HTTP server measurable CPU per request.
  return function portcullisAuthenticate(req: Request, _res: Response, next: NextFunction): void {
    let result: AuthContext | Promise<AuthContext>;
    try {
      result = authenticator.direct(fromNodeRequest(req, req.body));
    } catch (err) {
      fail(err, next);
      return;
    }
    if (result instanceof Promise) {
      result.then((auth) => {
        req.auth = auth;
        next();
      }, (err: unknown) => fail(err, next));
      return;
    }
    req.auth = result;
    next();
  };
}

/**
 * Builds middleware that lets a request through only when `req.auth` holds the required scopes.
 *
 * Answers 403 `insufficient_scope` (with `scope="…"` in the challenge, RFC 6750 §3.1) when a scope is
 * missing, and 401 when the request was never authenticated. Place it after {@link authenticate}. The
 * scopes are validated now (core's `scopeGuard`): an empty list or an empty scope throws a `TypeError`.
 *
 * @example
 * app.post('/messages', requireScopes('write:messages'), createMessage);
 * app.get('/admin', requireScopes(['admin', 'support'], { mode: 'any' }), showAdmin);
 */
export function requireScopes(scopes: string | readonly string[], options: RequireScopesOptions = {}): RequestHandler {
  const check = scopeGuard(scopes, options);
  return function portcullisRequireScopes(req: Request, _res: Response, next: NextFunction): void {
    try {
      check(req.auth);
    } catch (err) {
      next(err);
      return;
    }
    next();
  };
}

/**
 * Builds an error handler that answers portcullis errors with a JSON body
 * (`{ "error": "invalid_token", "error_description": "…" }`), the same status and the same headers
 * (`WWW-Authenticate`, `Retry-After`). The body never carries a stack trace or token text. Any other
 * error is passed on to the next error handler untouched.
 *
 * @example
 * app.use(authenticate(options));
 * app.get('/messages', listMessages);
 * app.use(errorHandler());
 */
export function errorHandler(): ErrorRequestHandler {
  // Express recognises error handlers by their four parameters, so `_next` must stay declared.
  return function portcullisErrorHandler(err: unknown, _req: Request, res: Response, next: NextFunction): void {
    if (!isAuthError(err) || res.headersSent) {
      next(err);
      return;
    }
    const { status, headers, body } = errorResponse(err);
    res.status(status).set(headers).json(body);
  };
}
