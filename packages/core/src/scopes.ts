/**
 * Scopes: reading them from claims, and the route guard `checkScopes`.
 */
import type { JWTPayload } from 'jose';
import { InsufficientScopeError, MissingCredentialsError } from './errors.js';
import type { AuthContext } from './types.js';

/** How `checkScopes` combines several required scopes. */
export type ScopeMode = 'all' | 'any';

function addScopes(into: string[], value: unknown): void {
  // RFC 8693 §4.2 / RFC 9068 §2.2.3: `scope` is a space-delimited string; `scp` and
  // provider claims such as Auth0's `permissions` are arrays. Take each shape at face value only.
  const items = typeof value === 'string' ? value.split(' ') : Array.isArray(value) ? value : [];
  // Tokens carry a few scopes: a linear `includes` beats building a Set — up to a point.
  const seen = into.length + items.length > 32 ? new Set(into) : undefined;
  for (const scope of items) {
    if (typeof scope !== 'string' || scope === '' || scope.includes(' ')) continue;
    if (seen ? seen.has(scope) : into.includes(scope)) continue;
    seen?.add(scope);
    into.push(scope);
  }
}

/**
 * The scopes granted by a token, from each claim in `claimNames`, de-duplicated.
 *
 * @example
 * scopesFromClaims({ scope: 'read write', scp: ['admin'] }, ['scope', 'scp']) // ['read', 'write', 'admin']
 */
export function scopesFromClaims(claims: JWTPayload, claimNames: readonly string[]): string[] {
  const scopes: string[] = [];
  for (const name of claimNames) addScopes(scopes, claims[name]);
  return scopes;
}

function normalizeRequired(scopes: string | readonly string[]): string[] {
  const list = typeof scopes === 'string' ? scopes.split(' ').filter(Boolean) : [...scopes];
  if (list.length === 0 || list.some((scope) => typeof scope !== 'string' || scope === '' || scope.includes(' '))) {
    throw new TypeError('portcullis: checkScopes needs one or more non-empty scopes without spaces');
  }
  return list;
}

/** Options of {@link checkScopes} and {@link scopeGuard}. */
export interface ScopeCheckOptions {
  /** `'all'`: every scope is required (default); `'any'`: one suffices. */
  mode?: ScopeMode;
  /** Realm of the 401 challenge when the request was never authenticated. Default `'api'`. */
  realm?: string;
}

/**
 * Validates the required scopes once and returns the check, for route guards built at start-up
 * (the adapters' `requireScopes`). The check throws like {@link checkScopes}.
 *
 * @example
 * const guard = scopeGuard(['read:messages'])
 * guard(req.auth)
 */
export function scopeGuard(scopes: string | readonly string[], options: ScopeCheckOptions = {}): (auth: AuthContext | undefined) => void {
  const required = normalizeRequired(scopes);
  const mode = options.mode ?? 'all';
  if (mode !== 'all' && mode !== 'any') throw new TypeError("portcullis: scope check `mode` must be 'all' or 'any'");
  return function checkRequiredScopes(auth) {
    if (auth === undefined) throw new MissingCredentialsError(options.realm);
    const granted = new Set(auth.scopes);
    const ok = mode === 'all' ? required.every((s) => granted.has(s)) : required.some((s) => granted.has(s));
    if (!ok) throw new InsufficientScopeError(required);
  };
}

/**
 * Throws the 403 `insufficient_scope` error unless `auth` holds the required scopes — every one
 * (`mode: 'all'`, the default) or at least one (`mode: 'any'`). Matching is exact and
 * case-sensitive. Without `auth` (the request was never authenticated) it throws the 401.
 *
 * @example
 * checkScopes(req.auth, ['read:messages'])
 * checkScopes(req.auth, ['admin', 'support'], { mode: 'any' })
 */
export function checkScopes(auth: AuthContext | undefined, scopes: string | readonly string[], options: ScopeCheckOptions = {}): void {
  scopeGuard(scopes, options)(auth);
}
