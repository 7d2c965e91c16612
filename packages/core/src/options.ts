/**
 * The options of `createAuthenticator` (shared by the Express and Koa adapters), their defaults,
 * and their validation at construction: a mistake throws a `TypeError` naming the option.
 */
import type { KeyObject } from 'node:crypto';
import type { JWTHeaderParameters, JWTPayload } from 'jose';
import type { ApiKeyRecord } from './types.js';
import { ALGORITHMS, ASYMMETRIC_ALGORITHMS, HMAC_ALGORITHMS } from './algorithms.js';

/** A configured API key. Give `sha256` (hex of the key) or `key` (hashed at construction, not kept). */
export interface ApiKeyConfig extends ApiKeyRecord {
  sha256?: string;
  key?: string;
}

/** API-key authentication. */
export interface ApiKeyOptions {
  /** Request header carrying the key. Default `'x-api-key'`. */
  header?: string;
  /** Keys known at start-up. */
  keys?: ApiKeyConfig[];
  /** Finds a key kept elsewhere (a database). Resolve `undefined` for an unknown key; a rejection answers 503. */
  lookup?: (presentedKey: string) => Promise<ApiKeyRecord | undefined>;
}

/** JWKS fetching and caching. All durations in seconds. */
export interface JwksOptions {
  /** How long a fetched key set is used when the response has no `Cache-Control: max-age`. Default 600. */
  cacheMaxAge?: number;
  /** Bounds applied to a `Cache-Control: max-age` from the IdP. Default `[60, 86400]`. */
  cacheMaxAgeBounds?: [number, number];
  /** Minimum time between two fetches triggered by unknown `kid`s. Default 30. */
  cooldown?: number;
  /** Timeout of one discovery or JWKS request. Default 5. */
  timeout?: number;
  /** Largest discovery or JWKS response accepted, in bytes. Default 1 MiB. */
  maxResponseBytes?: number;
  /** How long cached keys keep working after their TTL while the IdP cannot be reached. Default 86400. */
  maxStale?: number;
  /** After a failed fetch, wait this long before trying again; also the `Retry-After` of the 503. Default 5. */
  retryAfter?: number;
}

/** The verified-token cache (successful verifications only). */
export interface TokenCacheOptions {
  /** Most tokens kept. Default 10000. */
  maxEntries?: number;
  /** Most bytes kept (estimated). Default 16 MiB. */
  maxBytes?: number;
}

/**
 * Options of `createAuthenticator`, and of the Express and Koa `authenticate` middleware.
 *
 * @example
 * createAuthenticator({ issuer: 'https://idp.example.com/', audience: 'https://api.example.com' })
 */
export interface AuthenticatorOptions {
  /** Expected `iss`, exact match. Also the discovery base when `jwksUri` is absent. */
  issuer?: string | string[];
  /** Expected `aud`; the token's `aud` (string or array) must contain at least one of these. */
  audience?: string | string[];
  /** JWKS location. Default: discovered from each issuer's `.well-known` metadata. */
  jwksUri?: string;
  /** Allowed JWS algorithms. Default RS/PS/ES 256–512 and EdDSA; with `secret`, the HS* its length allows (HS256 ≥ 32 bytes, HS384 ≥ 48, HS512 ≥ 64). Never `none`. */
  algorithms?: string[];
  /** Shared secret for HS* tokens (at least 32 bytes). When set, only HS* algorithms are allowed. */
  secret?: string | Uint8Array | KeyObject;
  /** Leeway for `exp`, `nbf` and `iat`, in seconds. Default 5. */
  clockTolerance?: number;
  /** Reject tokens whose `iat` is older than this many seconds (then `iat` is required). Default: no limit. */
  maxTokenAge?: number;
  /** Claims that must be present besides `exp`, `iss` and `aud`. Default `[]`. */
  requiredClaims?: string[];
  /** Expected JOSE `typ` header, e.g. `'at+jwt'` (RFC 9068), compared case-insensitively. Default: not checked. */
  typ?: string;
  /** Extra check on verified claims (revocation lists…). Throw or resolve `false` to answer 401. Runs on every request. */
  validate?: (claims: JWTPayload, header: JWTHeaderParameters) => unknown;
  /** Claims scopes are read from. Default `['scope', 'scp']`; add e.g. `'permissions'` for Auth0. */
  scopeClaims?: string[];
  /** Largest token accepted, in bytes; larger ones are refused before parsing. Default 8192. */
  maxTokenSize?: number;
  /** `realm` of the `WWW-Authenticate` challenge. Default `'api'`. */
  realm?: string;
  /** UNSAFE: accept `?access_token=` (RFC 6750 §2.3 — leaks into logs and Referer). Default false. */
  allowQueryToken?: boolean;
  /** Accept `access_token` in a form-encoded body (RFC 6750 §2.2). Default false. */
  allowBodyToken?: boolean;
  /** Adapters only: when false, requests without credentials pass through unauthenticated. Default true. */
  credentialsRequired?: boolean;
  /** JWKS fetching and caching. */
  jwks?: JwksOptions;
  /** Cache of verified tokens; `false` turns it off. Default on with the defaults of {@link TokenCacheOptions}. */
  tokenCache?: false | TokenCacheOptions;
  /** Allow `http:` issuer/JWKS URLs to hosts other than loopback. Default false. */
  allowInsecureHttp?: boolean;
  /** API keys. */
  apiKeys?: ApiKeyOptions;
}

/** Options after defaults and validation. */
export interface ResolvedOptions {
  issuers: string[];
  audiences: string[];
  jwksUri?: string;
  algorithms: Set<string>;
  secret?: Uint8Array | KeyObject;
  clockTolerance: number;
  maxTokenAge?: number;
  requiredClaims: string[];
  typ?: string;
  validate?: AuthenticatorOptions['validate'];
  scopeClaims: string[];
  maxTokenSize: number;
  realm: string;
  allowQueryToken: boolean;
  allowBodyToken: boolean;
  jwks: Required<JwksOptions>;
  tokenCache: false | Required<TokenCacheOptions>;
  apiKeys?: ApiKeyOptions & { header: string };
  allowInsecureHttp: boolean;
}

const DEFAULT_JWKS: Required<JwksOptions> = {
  cacheMaxAge: 600,
  cacheMaxAgeBounds: [60, 86_400],
  cooldown: 30,
  timeout: 5,
  maxResponseBytes: 1024 * 1024,
  maxStale: 86_400,
  retryAfter: 5,
};
const DEFAULT_TOKEN_CACHE: Required<TokenCacheOptions> = { maxEntries: 10_000, maxBytes: 16 * 1024 * 1024 };
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;

function fail(option: string, message: string): never {
  throw new TypeError(`portcullis: option \`${option}\` ${message}`);
}

function stringList(option: string, value: unknown, required: boolean): string[] {
  if (value === undefined) {
    if (required) fail(option, 'is required');
    return [];
  }
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) fail(option, 'must not be empty');
  for (const item of list) if (typeof item !== 'string' || item === '') fail(option, 'must be a non-empty string or array of them');
  return [...new Set(list as string[])];
}

function seconds(option: string, value: unknown, fallback: number, allowZero = true): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    fail(option, 'must be a finite, non-negative number of seconds');
  }
  return value;
}

// Sizes and counts: whole numbers of at least 1.
function count(option: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) fail(option, 'must be a positive integer');
  return value;
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

/** Checks a URL we will fetch: https, or http to loopback (or anywhere with `allowInsecureHttp`). */
export function checkFetchUrl(option: string, value: string, allowInsecureHttp: boolean): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    fail(option, 'must be an absolute URL');
  }
  if (url.username || url.password) fail(option, 'must not contain credentials');
  if (url.protocol === 'https:') return;
  if (url.protocol === 'http:' && (allowInsecureHttp || isLoopback(url.hostname))) return;
  fail(option, 'must use https: (http: is allowed only for loopback hosts or with `allowInsecureHttp`)');
}

function secretBytes(secret: Uint8Array | KeyObject): number {
  return secret instanceof Uint8Array ? secret.byteLength : (secret.symmetricKeySize ?? 0);
}

// RFC 7518 §3.2: an HMAC key must be at least as long as the hash output. With a secret, the default
// list holds only the HS algorithms it is long enough for; asking for another is a configuration error.
function hmacAlgorithmsFor(secret: Uint8Array | KeyObject): string[] {
  const bytes = secretBytes(secret);
  return HMAC_ALGORITHMS.filter((alg) => bytes >= ALGORITHMS.get(alg)!.signatureLength!);
}

function resolveAlgorithms(options: AuthenticatorOptions, secret: Uint8Array | KeyObject | undefined): Set<string> {
  const allowed: readonly string[] = secret === undefined ? ASYMMETRIC_ALGORITHMS : hmacAlgorithmsFor(secret);
  if (options.algorithms === undefined) return new Set(allowed);
  const list = stringList('algorithms', options.algorithms, true);
  for (const alg of list) {
    if (alg.toLowerCase() === 'none') fail('algorithms', 'must never contain "none"');
    if (allowed.includes(alg)) continue;
    if (secret !== undefined && (HMAC_ALGORITHMS as readonly string[]).includes(alg)) {
      fail('algorithms', `contains ${alg}, whose secret must be at least ${ALGORITHMS.get(alg)!.signatureLength} bytes (RFC 7518 §3.2)`);
    }
    const known = ALGORITHMS.has(alg);
    fail('algorithms', known
      ? `contains ${alg}, which cannot be mixed with ${secret !== undefined ? 'a `secret` (HS* only)' : 'asymmetric keys (HS* needs `secret`)'}`
      : `contains unknown algorithm ${JSON.stringify(alg)}`);
  }
  return new Set(list);
}

function resolveSecret(secret: AuthenticatorOptions['secret']): Uint8Array | KeyObject | undefined {
  if (secret === undefined) return undefined;
  if (typeof secret === 'string') secret = new TextEncoder().encode(secret);
  if (secret instanceof Uint8Array) {
    if (secret.byteLength < 32) fail('secret', 'must be at least 32 bytes (RFC 7518 §3.2)');
    // A public key passed as the HMAC secret is the key-confusion attack, configured by hand.
    if (/^\s*(?:-----BEGIN|\{\s*"kty")/.test(Buffer.from(secret.subarray(0, 64)).toString('latin1'))) {
      fail('secret', 'looks like a PEM or JWK key; HS* needs a shared random secret, asymmetric keys come from the JWKS');
    }
    return secret;
  }
  if (typeof secret === 'object' && secret !== null && (secret as KeyObject).type === 'secret') {
    if (((secret as KeyObject).symmetricKeySize ?? 0) < 32) fail('secret', 'must be at least 32 bytes (RFC 7518 §3.2)');
    return secret;
  }
  return fail('secret', 'must be a string, a Uint8Array or a secret KeyObject');
}

function resolveJwks(value: JwksOptions | undefined): Required<JwksOptions> {
  if (value !== undefined && (typeof value !== 'object' || value === null)) fail('jwks', 'must be an object');
  const v = value ?? {};
  const bounds = v.cacheMaxAgeBounds ?? DEFAULT_JWKS.cacheMaxAgeBounds;
  if (!Array.isArray(bounds) || bounds.length !== 2 || !(bounds[0] <= bounds[1])) fail('jwks.cacheMaxAgeBounds', 'must be [min, max]');
  return {
    cacheMaxAge: seconds('jwks.cacheMaxAge', v.cacheMaxAge, DEFAULT_JWKS.cacheMaxAge),
    cacheMaxAgeBounds: [seconds('jwks.cacheMaxAgeBounds', bounds[0], 0), seconds('jwks.cacheMaxAgeBounds', bounds[1], 0)],
    cooldown: seconds('jwks.cooldown', v.cooldown, DEFAULT_JWKS.cooldown),
    timeout: seconds('jwks.timeout', v.timeout, DEFAULT_JWKS.timeout, false),
    maxResponseBytes: count('jwks.maxResponseBytes', v.maxResponseBytes, DEFAULT_JWKS.maxResponseBytes),
    maxStale: seconds('jwks.maxStale', v.maxStale, DEFAULT_JWKS.maxStale),
    retryAfter: seconds('jwks.retryAfter', v.retryAfter, DEFAULT_JWKS.retryAfter),
  };
}

function resolveTokenCache(value: AuthenticatorOptions['tokenCache']): false | Required<TokenCacheOptions> {
  if (value === false) return false;
  if (value !== undefined && (typeof value !== 'object' || value === null)) fail('tokenCache', 'must be false or an object');
  const v = value ?? {};
  return {
    maxEntries: count('tokenCache.maxEntries', v.maxEntries, DEFAULT_TOKEN_CACHE.maxEntries),
    maxBytes: count('tokenCache.maxBytes', v.maxBytes, DEFAULT_TOKEN_CACHE.maxBytes),
  };
}

function resolveApiKeys(value: ApiKeyOptions | undefined): ResolvedOptions['apiKeys'] {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null) fail('apiKeys', 'must be an object');
  const header = (value.header ?? 'x-api-key').toLowerCase();
  if (!HEADER_NAME.test(header) || header === 'authorization') fail('apiKeys.header', 'must be a valid header name other than Authorization');
  if (value.keys === undefined && value.lookup === undefined) fail('apiKeys', 'needs `keys` or `lookup`');
  if (value.keys !== undefined && !Array.isArray(value.keys)) fail('apiKeys.keys', 'must be an array');
  if (value.lookup !== undefined && typeof value.lookup !== 'function') fail('apiKeys.lookup', 'must be a function');
  return { ...value, header };
}

function resolveFunction<T>(option: string, value: T | undefined): T | undefined {
  if (value !== undefined && typeof value !== 'function') fail(option, 'must be a function');
  return value;
}

function resolveJwtSource(options: AuthenticatorOptions, issuers: string[], secret: unknown): string | undefined {
  if (issuers.length === 0) {
    if (options.jwksUri !== undefined || secret !== undefined || options.audience !== undefined) fail('issuer', 'is required to verify JWTs');
    return undefined;
  }
  if (options.jwksUri !== undefined) {
    if (typeof options.jwksUri !== 'string') fail('jwksUri', 'must be a string');
    checkFetchUrl('jwksUri', options.jwksUri, options.allowInsecureHttp === true);
    if (secret !== undefined) fail('jwksUri', 'cannot be combined with `secret`');
  } else if (secret === undefined) {
    for (const issuer of issuers) checkFetchUrl('issuer', issuer, options.allowInsecureHttp === true);
  }
  return options.jwksUri;
}

/**
 * Applies defaults and validates everything once, at construction.
 *
 * @example
 * resolveOptions({ issuer: 'https://idp.example.com/', audience: 'api' }).clockTolerance // 5
 */
export function resolveOptions(options: AuthenticatorOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError('portcullis: options must be an object');
  const issuers = stringList('issuer', options.issuer, false);
  const apiKeys = resolveApiKeys(options.apiKeys);
  if (issuers.length === 0 && apiKeys === undefined) fail('issuer', 'is required unless `apiKeys` is configured');
  const secret = resolveSecret(options.secret);
  const jwksUri = resolveJwtSource(options, issuers, secret);
  const realm = options.realm ?? 'api';
  if (typeof realm !== 'string') fail('realm', 'must be a string');
  const maxTokenSize = count('maxTokenSize', options.maxTokenSize, 8192);
  return {
    issuers,
    audiences: stringList('audience', options.audience, issuers.length > 0),
    jwksUri,
    algorithms: resolveAlgorithms(options, secret),
    secret,
    clockTolerance: seconds('clockTolerance', options.clockTolerance, 5),
    maxTokenAge: options.maxTokenAge === undefined ? undefined : seconds('maxTokenAge', options.maxTokenAge, 0),
    requiredClaims: options.requiredClaims === undefined ? [] : stringList('requiredClaims', options.requiredClaims, true),
    typ: options.typ === undefined ? undefined : stringList('typ', options.typ, true)[0],
    validate: resolveFunction('validate', options.validate),
    scopeClaims: options.scopeClaims === undefined ? ['scope', 'scp'] : stringList('scopeClaims', options.scopeClaims, true),
    maxTokenSize,
    realm,
    allowQueryToken: options.allowQueryToken === true,
    allowBodyToken: options.allowBodyToken === true,
    jwks: resolveJwks(options.jwks),
    tokenCache: resolveTokenCache(options.tokenCache),
    apiKeys,
    allowInsecureHttp: options.allowInsecureHttp === true,
  };
}
