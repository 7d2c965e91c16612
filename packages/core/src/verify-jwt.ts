/**
 * JWT verification: size cap, strict parsing, header rules, issuer allow-list before any key is
 * fetched, the signature on the issuer's own keys, then the claims — with verified tokens cached.
 */
import type { JWTHeaderParameters, JWTPayload } from 'jose';
import { checkClaims, checkIssuer, checkLifetime } from './claims.js';
import { InvalidTokenError, isAuthError } from './errors.js';
import type { ResolvedOptions } from './options.js';
import { deepFreeze } from './freeze.js';
import { HeaderCache } from './header-cache.js';
import { parseJwt, type ParsedJwt } from './parse-jwt.js';
import { scopesFromClaims } from './scopes.js';
import { verifySignature, type VerificationKey } from './signature.js';
import { TokenCache, type CachedVerification } from './token-cache.js';
import type { AuthContext } from './types.js';

/** Where verification keys come from: the JWKS cache, or the configured HMAC secret. */
export interface KeyProvider {
  /** The key if it is at hand right now (no fetch, no wait): the hot path. */
  peekKey(issuer: string, kid: string | undefined): VerificationKey | undefined;
  /** The key, fetching or refreshing as needed. */
  getKey(issuer: string, kid: string | undefined, alg: string): Promise<VerificationKey>;
}

/** Verifies a bearer token: its context (at once, or once keys or the validate hook answer), or an `AuthError`. */
export type JwtVerifier = (token: string) => AuthContext | Promise<AuthContext>;

async function runValidate(options: ResolvedOptions, claims: JWTPayload, header: JWTHeaderParameters): Promise<void> {
  if (options.validate === undefined) return;
  let verdict: unknown;
  try {
    verdict = await options.validate(claims, header);
  } catch (err) {
    if (isAuthError(err)) throw err;
    throw new InvalidTokenError('token rejected', 'rejected_by_validate');
  }
  if (verdict === false) throw new InvalidTokenError('token rejected', 'rejected_by_validate');
}

// A fresh object per request (handlers may add to it), built field by field: one stable shape is
// measurably cheaper than a spread on this path.
function withToken(context: AuthContext, token: string): AuthContext {
  const { type, subject, scopes, claims, header, keyId } = context;
  return { type, subject, scopes, claims, header, token, keyId };
}

function toContext(payload: JWTPayload, header: JWTHeaderParameters, options: ResolvedOptions): AuthContext {
  return {
    type: 'jwt',
    subject: payload.sub,
    scopes: Object.freeze(scopesFromClaims(payload, options.scopeClaims)) as string[],
    claims: deepFreeze(payload),
    header: deepFreeze(header),
    keyId: header.kid,
  };
}

/**
 * Builds the JWT verifier over a key provider.
 *
 * @example
 * const verify = createJwtVerifier(resolveOptions(options), new JwksCache(resolved))
 * const auth = await verify(token)
 */
export function createJwtVerifier(options: ResolvedOptions, keys: KeyProvider): JwtVerifier {
  const cache = options.tokenCache === false ? undefined : new TokenCache(options.tokenCache);
  const headers = new HeaderCache(options);

  function finish(token: string, parsed: ParsedJwt, key: VerificationKey, now: number): AuthContext | Promise<AuthContext> {
    const { header, payload } = parsed;
    if (!verifySignature(key, header.alg, parsed.signingInput, parsed.signature)) {
      throw new InvalidTokenError('signature verification failed', 'bad_signature');
    }
    checkClaims(payload, options, now);
    const context = toContext(payload, header, options);
    if (options.validate === undefined) return remember(token, context, key);
    return runValidate(options, payload, header).then(() => remember(token, context, key));
  }

  function remember(token: string, context: AuthContext, key: VerificationKey): AuthContext {
    cache?.set(token, { context, key }, context.claims!.exp!);
    return withToken(context, token);
  }

  function fromCache(hit: CachedVerification, token: string, now: number): AuthContext | Promise<AuthContext> {
    const { claims, header } = hit.context;
    checkLifetime(claims!, options, now);
    const context = withToken(hit.context, token);
    return options.validate === undefined ? context : runValidate(options, claims!, header!).then(() => context);
  }

  // Synchronous whenever it can be (a cached token, or a key at hand): promises only where there is
  // something to wait for — a JWKS fetch or the validate hook.
  return function verifyJwt(token) {
    // The cap comes first: an oversized token costs nothing to refuse.
    if (token.length > options.maxTokenSize) throw new InvalidTokenError('token too large', 'token_too_large');
    const now = Date.now() / 1000;
    const hit = cache?.get(token);
    if (hit !== undefined) return fromCache(hit, token, now);
    const parsed = parseJwt(token, headers.decode);
    const { kid, alg } = parsed.header;
    const issuer = checkIssuer(parsed.payload, options);
    const key = keys.peekKey(issuer, kid);
    if (key !== undefined) return finish(token, parsed, key, now);
    return keys.getKey(issuer, kid, alg).then((fetched) => finish(token, parsed, fetched, now));
  };
}
