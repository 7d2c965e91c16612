/**
 * Every failure portcullis reports. Each error already carries its HTTP answer — `status`, `expose`,
 * a stable OAuth `code` and the `WWW-Authenticate` header — and is an `http-errors` object, so
 * Express's final handler and Koa's `ctx.onerror` answer correctly with no adapter code.
 */
import createHttpError from 'http-errors';
import { bearerChallenge } from './challenge.js';

/** Stable machine-readable reasons, published on diagnostics channels and kept on `err.reason`. */
export type FailureReason =
  | 'missing_credentials'
  | 'malformed_request'
  | 'multiple_credentials'
  | 'query_credentials'
  | 'malformed_token'
  | 'token_too_large'
  | 'unsupported_token_format'
  | 'algorithm_not_allowed'
  | 'unknown_issuer'
  | 'unknown_key'
  | 'ambiguous_key'
  | 'bad_signature'
  | 'expired'
  | 'not_yet_valid'
  | 'issued_in_future'
  | 'too_old'
  | 'bad_audience'
  | 'bad_claim'
  | 'missing_claim'
  | 'unsupported_critical_header'
  | 'wrong_type'
  | 'rejected_by_validate'
  | 'invalid_api_key'
  | 'expired_api_key'
  | 'insufficient_scope'
  | 'keys_unavailable'
  | 'internal_error';

interface AuthErrorInit {
  status: number;
  code: string;
  reason: FailureReason;
  challenge: string;
  extraHeaders?: Record<string, string>;
}

/**
 * Base class of every portcullis failure. An `http-errors` `HttpError`: `status`, `statusCode`,
 * `expose` (true — messages never contain secrets or token text) and `headers`.
 *
 * @example
 * try { await authenticate(req) } catch (err) {
 *   if (err instanceof AuthError) res.writeHead(err.status, err.headers).end(err.message)
 * }
 */
export class AuthError extends Error {
  /** HTTP status: 400, 401, 403 or 503. */
  readonly status: number;
  /** Same as `status`, for frameworks that read `statusCode`. */
  readonly statusCode: number;
  /** Whether the message may be shown to the client. Always true: messages never carry secrets. */
  readonly expose = true;
  /** OAuth error code (RFC 6750 §3.1) or a portcullis code where RFC 6750 has none. */
  readonly code: string;
  /** Finer-grained, stable reason (e.g. `expired`, `bad_signature`). */
  readonly reason: FailureReason;
  /** Response headers: always `WWW-Authenticate`, plus `Retry-After` on 503. */
  readonly headers: Record<string, string>;

  constructor(message: string, init: AuthErrorInit) {
    super(message);
    this.name = new.target.name;
    this.status = init.status;
    this.statusCode = init.status;
    this.code = init.code;
    this.reason = init.reason;
    this.headers = { 'WWW-Authenticate': init.challenge, ...init.extraHeaders };
  }
}
// Put HttpError.prototype in the chain so `createHttpError.isHttpError(err)` and
// `err instanceof HttpError` hold; HttpError's own constructor is abstract and cannot be called.
Object.setPrototypeOf(AuthError.prototype, createHttpError.HttpError.prototype);

/**
 * 400 `invalid_request` (RFC 6750 §3.1): the request itself is malformed — an empty or doubled
 * Bearer token, several `Authorization` headers, credentials sent more than one way, or a token in
 * the query string when that is not enabled.
 *
 * @example
 * throw new InvalidRequestError('several Authorization headers', 'malformed_request')
 */
export class InvalidRequestError extends AuthError {
  constructor(description: string, reason: FailureReason = 'malformed_request') {
    // The contract's challenge for 400 carries only the error code; the description is in the body.
    super(description, { status: 400, code: 'invalid_request', reason, challenge: bearerChallenge({ error: 'invalid_request' }) });
  }
}

/**
 * 401 `invalid_token` (RFC 6750 §3.1): the token is malformed, forged, expired, or not for us.
 *
 * @example
 * throw new InvalidTokenError('token expired', 'expired')
 */
export class InvalidTokenError extends AuthError {
  constructor(description: string, reason: FailureReason) {
    super(description, {
      status: 401,
      code: 'invalid_token',
      reason,
      challenge: bearerChallenge({ error: 'invalid_token', errorDescription: description }),
    });
  }
}

/**
 * 401 with a bare challenge: no credentials were presented (RFC 6750 §3.1 — no `error` parameter).
 *
 * @example
 * throw new MissingCredentialsError('api')
 */
export class MissingCredentialsError extends AuthError {
  constructor(realm = 'api', message = 'authentication required') {
    super(message, { status: 401, code: 'missing_credentials', reason: 'missing_credentials', challenge: bearerChallenge({ realm }) });
  }
}

/**
 * 401 with a bare challenge: the API key is unknown, malformed or expired. The message never says
 * which, nor repeats the key.
 *
 * @example
 * throw new InvalidApiKeyError('api', 'expired_api_key')
 */
export class InvalidApiKeyError extends AuthError {
  constructor(realm = 'api', reason: FailureReason = 'invalid_api_key') {
    super('invalid API key', { status: 401, code: 'invalid_api_key', reason, challenge: bearerChallenge({ realm }) });
  }
}

/**
 * 403 `insufficient_scope` (RFC 6750 §3.1); `scope` lists the scopes the route requires.
 *
 * @example
 * throw new InsufficientScopeError(['read:messages'])
 */
export class InsufficientScopeError extends AuthError {
  /** The scopes the route requires. */
  readonly requiredScopes: string[];

  constructor(required: string[], description = 'insufficient scope') {
    super(description, {
      status: 403,
      code: 'insufficient_scope',
      reason: 'insufficient_scope',
      challenge: bearerChallenge({ error: 'insufficient_scope', scope: required.join(' ') }),
    });
    this.requiredScopes = required;
  }
}

/**
 * 503: no usable key can be had — the IdP or JWKS endpoint is unreachable or answers garbage and
 * nothing usable is cached. Not a 401: the credential may be perfectly valid, and clients should
 * retry after `Retry-After` seconds rather than discard it.
 *
 * @example
 * throw new KeysUnavailableError(30, 'api')
 */
export class KeysUnavailableError extends AuthError {
  /** Seconds after which a retry may succeed. */
  readonly retryAfter: number;

  constructor(retryAfter: number, realm = 'api', message = 'signing keys are temporarily unavailable') {
    const seconds = Math.max(1, Math.ceil(retryAfter));
    super(message, {
      status: 503,
      code: 'temporarily_unavailable',
      reason: 'keys_unavailable',
      challenge: bearerChallenge({ realm }),
      extraHeaders: { 'Retry-After': String(seconds) },
    });
    this.retryAfter = seconds;
  }
}

/**
 * Narrows an unknown error to an {@link AuthError}.
 *
 * @example
 * if (isAuthError(err) && err.status === 401) …
 */
export function isAuthError(err: unknown): err is AuthError {
  return err instanceof AuthError;
}

/** The body of a JSON error answer (RFC 6749 §5.2 style). */
export interface ErrorBody {
  error: string;
  error_description?: string;
}

/**
 * What to answer for any error, as data: the auth error's own status, headers and a JSON body, or
 * a bare 500 for anything else — never a stack trace or an internal message.
 *
 * @example
 * const { status, headers, body } = errorResponse(err)
 * res.status(status).set(headers).json(body)
 */
export function errorResponse(err: unknown): { status: number; headers: Record<string, string>; body: ErrorBody } {
  if (isAuthError(err)) {
    return { status: err.status, headers: { ...err.headers }, body: { error: err.code, error_description: err.message } };
  }
  return { status: 500, headers: {}, body: { error: 'server_error' } };
}
