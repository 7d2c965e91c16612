/**
 * Building the `WWW-Authenticate: Bearer …` challenge (RFC 6750 §3).
 */

/** What a challenge says. Absent fields are left out of the header. */
export interface ChallengeParams {
  realm?: string;
  error?: string;
  errorDescription?: string;
  scope?: string;
}

// RFC 6749 §5.2 / RFC 6750 §3: error, error_description and scope values are limited to
// %x20-21 / %x23-5B / %x5D-7E — printable ASCII without `"` and `\`. Anything else is dropped, so
// no byte that came from a request can split or extend the header.
const UNSAFE = /[^\x20\x21\x23-\x5b\x5d-\x7e]/g;
const MAX_VALUE_LENGTH = 200;

/**
 * Reduces a value to the characters RFC 6750 allows inside a quoted challenge parameter.
 *
 * @example
 * sanitize('bad "token"\r\n') // 'bad token'
 */
export function sanitize(value: string): string {
  return value.replace(UNSAFE, '').slice(0, MAX_VALUE_LENGTH);
}

/**
 * Formats a Bearer challenge. Parameters appear in a fixed order: realm, error, error_description, scope.
 *
 * @example
 * bearerChallenge({ realm: 'api' }) // 'Bearer realm="api"'
 * bearerChallenge({ error: 'invalid_token', errorDescription: 'token expired' })
 * // 'Bearer error="invalid_token", error_description="token expired"'
 */
export function bearerChallenge(params: ChallengeParams): string {
  const parts: string[] = [];
  if (params.realm !== undefined) parts.push(`realm="${sanitize(params.realm)}"`);
  if (params.error !== undefined) parts.push(`error="${sanitize(params.error)}"`);
  if (params.errorDescription) parts.push(`error_description="${sanitize(params.errorDescription)}"`);
  if (params.scope !== undefined) parts.push(`scope="${sanitize(params.scope)}"`);
  return parts.length === 0 ? 'Bearer' : `Bearer ${parts.join(', ')}`;
}
