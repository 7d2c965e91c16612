/**
 * Strict parsing of a compact JWS (RFC 7515 §7.1) before any key is touched: exactly three
 * canonical base64url segments, UTF-8 JSON objects for header and payload. JWE (five segments) and
 * the JSON serialization are refused here, so they never reach crypto.
 */
import { isUtf8 } from 'node:buffer';
import type { JWTHeaderParameters, JWTPayload } from 'jose';
import { InvalidTokenError } from './errors.js';

/** A token split and decoded, not yet verified. */
export interface ParsedJwt {
  header: JWTHeaderParameters;
  payload: JWTPayload;
  /** `header.payload`, ASCII: what the signature covers. */
  signingInput: string;
  signature: Buffer;
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function malformed(what: string): InvalidTokenError {
  return new InvalidTokenError(`malformed token: ${what}`, 'malformed_token');
}

/** Decodes base64url, refusing padding, foreign characters and non-canonical trailing bits. */
function decodeSegment(segment: string, what: string): Buffer {
  if (!BASE64URL.test(segment) || segment.length % 4 === 1) throw malformed(`${what} is not base64url`);
  // The last character of an unpadded segment carries 2 (length % 4 = 3) or 4 (length % 4 = 2)
  // bits that encode nothing. Buffer ignores them; set, they are a second spelling of the same bytes.
  const rest = segment.length % 4;
  if (rest !== 0 && (ALPHABET.indexOf(segment[segment.length - 1]!) & (rest === 2 ? 0x0f : 0x03)) !== 0) {
    throw malformed(`${what} is not canonical base64url`);
  }
  return Buffer.from(segment, 'base64url');
}

/**
 * Decodes one segment to a JSON object: canonical base64url, valid UTF-8, an object.
 *
 * @example
 * decodeJsonObject('eyJhbGciOiJSUzI1NiJ9', 'header') // { alg: 'RS256' }
 */
export function decodeJsonObject(segment: string, what: string): Record<string, unknown> {
  const bytes = decodeSegment(segment, what);
  // Invalid UTF-8 is refused, not replaced by U+FFFD; a BOM stays in the text, where JSON.parse refuses it.
  if (!isUtf8(bytes)) throw malformed(`${what} is not UTF-8 JSON`);
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw malformed(`${what} is not UTF-8 JSON`);
  }
  // RFC 7519 §7.2 step 10: the claims set must be a JSON object — not an array, string or null.
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw malformed(`${what} is not a JSON object`);
  return value as Record<string, unknown>;
}

function decodeAnyHeader(segment: string): JWTHeaderParameters {
  return decodeJsonObject(segment, 'header') as JWTHeaderParameters;
}

/**
 * Splits and decodes a compact JWS. `decodeHeader` may check and cache the header (the verifier's
 * {@link HeaderCache} does); by default it is only decoded. Throws `InvalidTokenError` for anything else.
 *
 * @example
 * const { header, payload } = parseJwt(token)
 */
export function parseJwt(token: string, decodeHeader: (segment: string) => JWTHeaderParameters = decodeAnyHeader): ParsedJwt {
  const first = token.indexOf('.');
  const second = token.indexOf('.', first + 1);
  if (first < 0 || second < 0) throw malformed('not a compact JWS');
  if (token.indexOf('.', second + 1) >= 0) {
    const segments = token.split('.').length;
    throw new InvalidTokenError(
      segments === 5 ? 'encrypted tokens (JWE) are not accepted' : 'malformed token: not a compact JWS',
      segments === 5 ? 'unsupported_token_format' : 'malformed_token',
    );
  }
  const header = decodeHeader(token.slice(0, first));
  const payload = decodeJsonObject(token.slice(first + 1, second), 'payload');
  const signature = decodeSegment(token.slice(second + 1), 'signature');
  return {
    header,
    payload: payload as JWTPayload,
    signingInput: token.slice(0, second),
    signature,
  };
}
