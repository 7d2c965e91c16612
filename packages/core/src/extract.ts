/**
 * Finding the credential in a request (RFC 6750 §2): exactly one of a Bearer token in the
 * `Authorization` header, an API key in its header, or — only when explicitly enabled — a token in
 * the form body or the query string. Anything ambiguous is a malformed request (400).
 */
import { InvalidRequestError } from './errors.js';
import type { ResolvedOptions } from './options.js';
import type { RequestLike } from './types.js';

/** What a request presents. */
export type Credential =
  | { kind: 'none' }
  | { kind: 'bearer'; token: string }
  | { kind: 'api-key'; key: string };

// RFC 6750 §2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
const QUERY_API_KEY_NAMES = ['api_key', 'apikey', 'api-key', 'x-api-key'];
const FORM_CONTENT_TYPE = /^application\/x-www-form-urlencoded\s*(?:;|$)/i;
const NONE: Credential = { kind: 'none' };

function single(value: string | string[] | undefined, name: string): string | undefined {
  if (!Array.isArray(value)) return value;
  if (value.length > 1) throw new InvalidRequestError(`several ${name} headers`, 'multiple_credentials');
  return value[0];
}

/**
 * The Bearer token of an `Authorization` header value, `undefined` for another scheme or none.
 * The scheme is case-insensitive and one or more spaces may follow it (RFC 6750 §2.1).
 */
function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined || header === '') return undefined;
  const space = header.indexOf(' ');
  const scheme = space < 0 ? header : header.slice(0, space);
  if (scheme.length !== 6 || scheme.toLowerCase() !== 'bearer') return undefined;
  let start = space + 1;
  while (header.charCodeAt(start) === 0x20) start++;
  let end = header.length;
  while (end > start && (header.charCodeAt(end - 1) === 0x20 || header.charCodeAt(end - 1) === 0x09)) end--;
  if (space < 0 || start >= end) throw new InvalidRequestError('empty Bearer token');
  const token = header.slice(start, end);
  if (!B64TOKEN.test(token)) {
    const doubled = /[ \t]/.test(token);
    throw new InvalidRequestError(doubled ? 'more than one Bearer token' : 'malformed Bearer token', doubled ? 'multiple_credentials' : 'malformed_request');
  }
  return token;
}

function queryParams(url: string | undefined): URLSearchParams | undefined {
  const mark = url === undefined ? -1 : url.indexOf('?');
  if (mark < 0) return undefined;
  const hash = url!.indexOf('#', mark);
  return new URLSearchParams(url!.slice(mark + 1, hash < 0 ? undefined : hash));
}

function queryCredential(request: RequestLike, options: ResolvedOptions): Credential | undefined {
  const params = queryParams(request.url);
  if (params === undefined) return undefined;
  const keyNames = options.apiKeys ? [...QUERY_API_KEY_NAMES, options.apiKeys.header] : [];
  if (keyNames.some((name) => params.has(name))) throw new InvalidRequestError('API keys are not accepted in the query string', 'query_credentials');
  const tokens = params.getAll('access_token');
  if (tokens.length === 0) return undefined;
  // RFC 6750 §2.3 and §5.3: URI tokens leak into logs, history and Referer headers.
  if (!options.allowQueryToken) throw new InvalidRequestError('access tokens are not accepted in the query string', 'query_credentials');
  if (tokens.length > 1) throw new InvalidRequestError('more than one access_token parameter', 'multiple_credentials');
  return { kind: 'bearer', token: checkToken(tokens[0]!) };
}

function checkToken(token: string): string {
  if (token === '') throw new InvalidRequestError('empty access token');
  if (!B64TOKEN.test(token)) throw new InvalidRequestError('malformed access token');
  return token;
}

function bodyCredential(request: RequestLike, options: ResolvedOptions): Credential | undefined {
  const body = request.body;
  if (typeof body !== 'object' || body === null || !('access_token' in body)) return undefined;
  // RFC 6750 §2.2: only a form-encoded body of a request that has a body counts.
  const type = single(request.headers['content-type'], 'Content-Type');
  if (type === undefined || !FORM_CONTENT_TYPE.test(type)) return undefined;
  if (!options.allowBodyToken) throw new InvalidRequestError('access tokens are not accepted in the request body', 'query_credentials');
  const token = (body as Record<string, unknown>).access_token;
  if (typeof token !== 'string' || request.method?.toUpperCase() === 'GET') throw new InvalidRequestError('malformed access_token parameter');
  return { kind: 'bearer', token: checkToken(token) };
}

function apiKeyCredential(request: RequestLike, options: ResolvedOptions): Credential | undefined {
  if (options.apiKeys === undefined) return undefined;
  const key = single(request.headers[options.apiKeys.header], options.apiKeys.header);
  return key === undefined ? undefined : { kind: 'api-key', key };
}

/**
 * Extracts the request's one credential. Throws `InvalidRequestError` (400) for several
 * `Authorization` headers, an empty or doubled Bearer token, a credential sent more than one way,
 * or a credential in the query string or body where that is not enabled.
 *
 * @example
 * extractCredential({ headers: { authorization: 'Bearer abc.def.ghi' } }, options) // { kind: 'bearer', token: 'abc.def.ghi' }
 */
export function extractCredential(request: RequestLike, options: ResolvedOptions): Credential {
  const headers = request.headers ?? {};
  const token = bearerToken(single(headers.authorization, 'Authorization'));
  const candidates = [
    token === undefined ? undefined : ({ kind: 'bearer', token } as const),
    apiKeyCredential(request, options),
    queryCredential(request, options),
    bodyCredential(request, options),
  ];
  let found: Credential = NONE;
  for (const candidate of candidates) {
    if (candidate === undefined) continue;
    if (found !== NONE) throw new InvalidRequestError('credentials sent in more than one way', 'multiple_credentials');
    found = candidate;
  }
  return found;
}
