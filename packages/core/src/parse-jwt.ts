/**
 * Strict parsing of a compact JWS (RFC 7515 §7.1) before any key is touched: exactly three
 * canonical base64url segments, UTF-8 JSON objects for header and payload. JWE (five segments) and
 * the JSON serialization are refused here, so they never reach crypto.
 */
import type { JWTHeaderParameters, JWTPayload } from 'jose';
import { InvalidTokenError } from './errors.js';

/** A token split and decoded, not yet verified. */
export interface ParsedJwt {
  header: JWTHeaderParameters;
  payload: JWTPayload;
  /** The ASCII bytes of `header.payload`: what the signature covers. */
  signingInput: Buffer;
  signature: Buffer;
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;
// fatal: invalid UTF-8 is an error, not U+FFFD. ignoreBOM keeps a BOM in the text, where JSON.parse refuses it.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function malformed(what: string): InvalidTokenError {
  return new InvalidTokenError(`malformed token: ${what}`, 'malformed_token');
}

/** Decodes base64url, refusing padding, foreign characters and non-canonical trailing bits. */
function decodeSegment(segment: string, what: string): Buffer {
  if (!BASE64URL.test(segment) || segment.length % 4 === 1) throw malformed(`${what} is not base64url`);
  const bytes = Buffer.from(segment, 'base64url');
  // Buffer ignores leftover bits; re-encoding exposes a segment that has some set (a second
  // spelling of the same bytes).
  if (bytes.toString('base64url') !== segment) throw malformed(`${what} is not canonical base64url`);
  return bytes;
}

function decodeJsonObject(segment: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(utf8.decode(decodeSegment(segment, what)));
  } catch (err) {
    if (err instanceof InvalidTokenError) throw err;
    throw malformed(`${what} is not UTF-8 JSON`);
  }
  // RFC 7519 §7.2 step 10: the claims set must be a JSON object — not an array, string or null.
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw malformed(`${what} is not a JSON object`);
  return value as Record<string, unknown>;
}

/**
 * Splits and decodes a compact JWS. Throws `InvalidTokenError` for anything else.
 *
 * @example
 * const { header, payload } = parseJwt(token)
 */
export function parseJwt(token: string): ParsedJwt {
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
  const header = decodeJsonObject(token.slice(0, first), 'header');
  const payload = decodeJsonObject(token.slice(first + 1, second), 'payload');
  const signature = decodeSegment(token.slice(second + 1), 'signature');
  return {
    header: header as JWTHeaderParameters,
    payload: payload as JWTPayload,
    signingInput: Buffer.from(token.slice(0, second), 'latin1'),
    signature,
  };
}
