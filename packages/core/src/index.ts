/**
 * @portcullis/core — the framework-agnostic OAuth 2.0 resource-server core.
 *
 * @example
 * import { createAuthenticator, checkScopes } from '@portcullis/core'
 * const authenticate = createAuthenticator({ issuer: 'https://idp.example.com/', audience: 'https://api.example.com' })
 * const auth = await authenticate({ headers: req.headers, url: req.url })
 * checkScopes(auth, ['read:messages'])
 */
export { createAuthenticator } from './authenticator.js';
export { fromNodeRequest } from './node-request.js';
export { checkScopes, scopeGuard, scopesFromClaims, type ScopeCheckOptions, type ScopeMode } from './scopes.js';
export { hashApiKey } from './api-keys.js';
export {
  AuthError,
  InvalidRequestError,
  InvalidTokenError,
  MissingCredentialsError,
  InvalidApiKeyError,
  InsufficientScopeError,
  KeysUnavailableError,
  isAuthError,
  errorResponse,
  type ErrorBody,
  type FailureReason,
} from './errors.js';
export { CHANNELS } from './observe.js';
export { ASYMMETRIC_ALGORITHMS, HMAC_ALGORITHMS } from './algorithms.js';
export type {
  AuthenticatorOptions,
  ApiKeyOptions,
  ApiKeyConfig,
  JwksOptions,
  TokenCacheOptions,
} from './options.js';
export type { AuthContext, ApiKeyRecord, Authenticator, RequestLike, JWTHeaderParameters, JWTPayload } from './types.js';
