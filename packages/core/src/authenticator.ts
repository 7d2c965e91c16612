/**
 * `createAuthenticator`: options checked once, then one function per request that extracts the
 * credential, verifies it, and resolves to the caller's identity — or rejects with the AuthError
 * that already carries the HTTP answer.
 */
import { createSecretKey } from 'node:crypto';
import { createApiKeyVerifier, type ApiKeyVerifier } from './api-keys.js';
import { AuthError, InvalidRequestError, InvalidTokenError, MissingCredentialsError, isAuthError } from './errors.js';
import { extractCredential } from './extract.js';
import { JwksCache } from './jwks-cache.js';
import { listening, publish } from './observe.js';
import { resolveOptions, type AuthenticatorOptions, type ResolvedOptions } from './options.js';
import type { VerificationKey } from './signature.js';
import type { AuthContext, Authenticator, RequestLike } from './types.js';
import { createJwtVerifier, type JwtVerifier, type KeyProvider } from './verify-jwt.js';

function secretKeys(options: ResolvedOptions): KeyProvider {
  const secret = options.secret!;
  const key: VerificationKey = { algorithms: options.algorithms, key: secret instanceof Uint8Array ? createSecretKey(secret) : secret, retired: false };
  return { peekKey: () => key, getKey: async () => key };
}

function jwtVerifier(options: ResolvedOptions): JwtVerifier | undefined {
  if (options.issuers.length === 0) return undefined;
  return createJwtVerifier(options, options.secret === undefined ? new JwksCache(options) : secretKeys(options));
}

// Fail closed: an error that is not already an AuthError (a bug, a library surprise) must still
// answer 4xx — never 2xx, and never a 500 that a client could provoke at will.
function toAuthError(err: unknown): AuthError {
  return isAuthError(err) ? err : new InvalidTokenError('credential could not be verified', 'internal_error');
}

function report(result: AuthContext | AuthError): void {
  if (!listening('auth')) return;
  if (result instanceof AuthError) {
    publish('auth', { outcome: 'failure', status: result.status, code: result.code, reason: result.reason });
  } else {
    publish('auth', { outcome: 'success', type: result.type, subject: result.subject, keyId: result.keyId, issuer: result.claims?.iss });
  }
}

/**
 * Creates the request authenticator. Options are validated here: a mistake throws a `TypeError`
 * naming the option. The returned function resolves to an {@link AuthContext} or rejects with an
 * {@link AuthError} (400, 401, 403 or 503).
 *
 * @example
 * const authenticate = createAuthenticator({ issuer: 'https://idp.example.com/', audience: 'https://api.example.com' })
 * const auth = await authenticate({ headers: req.headers, method: req.method, url: req.url })
 */
export function createAuthenticator(options: AuthenticatorOptions): Authenticator {
  const resolved = resolveOptions(options);
  const verifyJwt = jwtVerifier(resolved);
  const verifyApiKey: ApiKeyVerifier | undefined = resolved.apiKeys ? createApiKeyVerifier(resolved) : undefined;

  function verify(request: RequestLike): AuthContext | Promise<AuthContext> {
    if (typeof request !== 'object' || request === null || typeof request.headers !== 'object' || request.headers === null) {
      throw new InvalidRequestError('request has no headers');
    }
    const credential = extractCredential(request, resolved);
    if (credential.kind === 'none') throw new MissingCredentialsError(resolved.realm);
    if (credential.kind === 'api-key') return verifyApiKey!(credential.key);
    if (verifyJwt === undefined) throw new InvalidTokenError('bearer tokens are not accepted', 'unsupported_token_format');
    return verifyJwt(credential.token);
  }

  // Most requests are answered synchronously (a cached token or a key at hand); `direct` keeps them
  // so, and the promise form adds exactly one promise on top.
  function direct(request: RequestLike): AuthContext | Promise<AuthContext> {
    let result: AuthContext | Promise<AuthContext>;
    try {
      result = verify(request);
    } catch (err) {
      throw fail(err);
    }
    if (result instanceof Promise) return result.then(succeed, (err: unknown) => Promise.reject(fail(err)));
    return succeed(result);
  }

  function authenticate(request: RequestLike): Promise<AuthContext> {
    try {
      const result = direct(request);
      return result instanceof Promise ? result : Promise.resolve(result);
    } catch (err) {
      return Promise.reject(err);
    }
  }
  return Object.assign(authenticate, { direct });
}

function succeed(auth: AuthContext): AuthContext {
  report(auth);
  return auth;
}

function fail(err: unknown): AuthError {
  const failure = toAuthError(err);
  report(failure);
  return failure;
}
