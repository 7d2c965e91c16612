/**
 * The rules a verified token's header and claims must meet (RFC 7515 §4.1, RFC 7519 §4.1,
 * RFC 9068 §4). jose's `jwtVerify` is the reference for these semantics; portcullis is stricter
 * where noted.
 */
import type { JWTHeaderParameters, JWTPayload } from 'jose';
import { InvalidTokenError } from './errors.js';
import type { ResolvedOptions } from './options.js';

/**
 * Checks the protected header before any key is looked up: the algorithm is allowed (exact,
 * case-sensitive — `none`, `None`, `rs256` are never allowed), no `crit` extension we do not
 * implement (RFC 7515 §4.1.11: we implement none), and the `typ` when one is required.
 *
 * @example
 * checkHeader({ alg: 'RS256', kid: 'k1' }, options)
 */
export function checkHeader(header: JWTHeaderParameters, options: ResolvedOptions): void {
  if (typeof header.alg !== 'string' || !options.algorithms.has(header.alg)) {
    throw new InvalidTokenError('algorithm not allowed', 'algorithm_not_allowed');
  }
  if (header.crit !== undefined) {
    throw new InvalidTokenError('unsupported critical header parameter', 'unsupported_critical_header');
  }
  if (header.kid !== undefined && (typeof header.kid !== 'string' || header.kid === '')) {
    throw new InvalidTokenError('malformed token: kid must be a non-empty string', 'malformed_token');
  }
  if (options.typ !== undefined && !typMatches(header.typ, options.typ)) {
    throw new InvalidTokenError('unexpected token type', 'wrong_type');
  }
}

// RFC 7515 §4.1.9: a `typ` without a slash is short for `application/<typ>`, compared case-insensitively.
function typMatches(actual: unknown, expected: string): boolean {
  if (typeof actual !== 'string') return false;
  const normalize = (value: string) => value.toLowerCase().replace(/^application\//, '');
  return normalize(actual) === normalize(expected);
}

/**
 * The unverified `iss`, checked against the configured issuers before any key is fetched, so a
 * forged issuer can never make us contact anyone. Exact string match; an array is refused.
 *
 * @example
 * checkIssuer({ iss: 'https://idp.example.com/' }, options) // 'https://idp.example.com/'
 */
export function checkIssuer(payload: JWTPayload, options: ResolvedOptions): string {
  const iss = payload.iss;
  if (typeof iss !== 'string') throw new InvalidTokenError('missing or malformed iss claim', 'bad_claim');
  if (!options.issuers.includes(iss)) throw new InvalidTokenError('unexpected issuer', 'bad_claim');
  return iss;
}

function isNumericDate(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/**
 * Checks the time-bound claims only (`exp`, `nbf`, `iat`, token age) — what can change between two
 * uses of the same token, so it is re-checked on every token-cache hit.
 *
 * @example
 * checkLifetime(claims, options, Date.now() / 1000)
 */
export function checkLifetime(payload: JWTPayload, options: ResolvedOptions, now: number): void {
  const tolerance = options.clockTolerance;
  if (payload.exp === undefined) throw new InvalidTokenError('missing exp claim', 'missing_claim');
  if (!isNumericDate(payload.exp)) throw new InvalidTokenError('malformed exp claim', 'bad_claim');
  if (now - tolerance >= payload.exp) throw new InvalidTokenError('token expired', 'expired');
  if (payload.nbf !== undefined) {
    if (!isNumericDate(payload.nbf)) throw new InvalidTokenError('malformed nbf claim', 'bad_claim');
    if (now + tolerance < payload.nbf) throw new InvalidTokenError('token not yet valid', 'not_yet_valid');
  }
  if (payload.iat !== undefined) {
    if (!isNumericDate(payload.iat)) throw new InvalidTokenError('malformed iat claim', 'bad_claim');
    // Stricter than jose: a token issued in the future is a clock or forgery problem, not a token.
    if (now + tolerance < payload.iat) throw new InvalidTokenError('token issued in the future', 'issued_in_future');
  }
  if (options.maxTokenAge !== undefined) {
    if (payload.iat === undefined) throw new InvalidTokenError('missing iat claim', 'missing_claim');
    if (now - tolerance > payload.iat + options.maxTokenAge) throw new InvalidTokenError('token too old', 'too_old');
  }
}

function checkAudience(payload: JWTPayload, options: ResolvedOptions): void {
  const aud = payload.aud;
  const list = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud : undefined;
  if (list === undefined || list.some((item) => typeof item !== 'string')) {
    throw new InvalidTokenError(aud === undefined ? 'missing aud claim' : 'malformed aud claim', aud === undefined ? 'missing_claim' : 'bad_claim');
  }
  if (!list.some((item) => options.audiences.includes(item))) throw new InvalidTokenError('unexpected audience', 'bad_audience');
}

function checkTypes(payload: JWTPayload): void {
  if (payload.sub !== undefined && typeof payload.sub !== 'string') throw new InvalidTokenError('malformed sub claim', 'bad_claim');
  if (payload.jti !== undefined && typeof payload.jti !== 'string') throw new InvalidTokenError('malformed jti claim', 'bad_claim');
}

/**
 * Checks every claim rule on a payload whose signature has been verified: times, audience,
 * claim types and the required claims.
 *
 * @example
 * checkClaims(payload, options, Date.now() / 1000)
 */
export function checkClaims(payload: JWTPayload, options: ResolvedOptions, now: number): void {
  checkLifetime(payload, options, now);
  checkAudience(payload, options);
  checkTypes(payload);
  for (const name of options.requiredClaims) {
    if (payload[name] === undefined) throw new InvalidTokenError(`missing required claim`, 'missing_claim');
  }
}
