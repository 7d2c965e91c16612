/**
 * The JWKS cache: one key set per issuer (or per configured `jwksUri`), held in an `lru-cache`
 * whose `fetchMethod` gives single-flight fetching — any number of concurrent requests that need a
 * fetch share one.
 *
 * - TTL: `Cache-Control: max-age` within `cacheMaxAgeBounds`, else `cacheMaxAge`.
 * - Unknown `kid`: refetch at most once per `cooldown`, so a flood of random kids costs one fetch.
 * - Stale-if-error: when a refresh fails, keys already held keep working for up to `maxStale`.
 * - Failures are remembered for `retryAfter`: an IdP outage costs one fetch per window, not one per
 *   request, and the 503's `Retry-After` says when the next attempt will be made.
 */
import { LRUCache } from 'lru-cache';
import { discoverJwksUri } from './discovery.js';
import { FetchFailure, fetchJson } from './fetch-json.js';
import { InvalidTokenError, KeysUnavailableError } from './errors.js';
import { importJwks } from './jwk-import.js';
import type { ResolvedOptions } from './options.js';
import { publish } from './observe.js';
import type { VerificationKey } from './signature.js';

/** The keys of one source as last fetched. */
interface KeySet {
  byKid: Map<string, VerificationKey>;
  keys: VerificationKey[];
  /** ms since epoch: start of the last attempt, success or not (the cooldown clock). */
  attemptedAt: number;
  /** Whether the last attempt failed. */
  failed: boolean;
  /** ms since epoch: after this, stale keys are no longer used, whatever the IdP does. */
  usableUntil: number;
}

interface Source {
  issuer: string;
  jwksUri?: string;
}

function toKeySet(keys: VerificationKey[], attemptedAt: number, failed: boolean, usableUntil: number): KeySet {
  const byKid = new Map<string, VerificationKey>();
  for (const key of keys) if (key.kid !== undefined) byKid.set(key.kid, key);
  return { byKid, keys, attemptedAt, failed, usableUntil };
}

/** Keeps the objects of keys that are still published (so cached verifications stay valid) and retires the rest. */
function carryOver(previous: KeySet | undefined, fresh: VerificationKey[]): VerificationKey[] {
  const old = new Map((previous?.keys ?? []).map((key) => [key.fingerprint, key]));
  const kept = fresh.map((key) => old.get(key.fingerprint) ?? key);
  const keptSet = new Set(kept);
  for (const key of previous?.keys ?? []) if (!keptSet.has(key)) key.retired = true;
  return kept;
}

/**
 * Key sets for every configured issuer, fetched on demand.
 *
 * @example
 * const cache = new JwksCache(resolveOptions({ issuer, audience }))
 * const key = await cache.getKey(issuer, 'kid-1')
 */
export class JwksCache {
  readonly #options: ResolvedOptions;
  readonly #sources = new Map<string, Source>();
  readonly #sourceOfIssuer = new Map<string, string>();
  readonly #cache: LRUCache<string, KeySet>;

  constructor(options: ResolvedOptions) {
    this.#options = options;
    for (const issuer of options.issuers) {
      const id = options.jwksUri ?? issuer;
      this.#sourceOfIssuer.set(issuer, id);
      if (!this.#sources.has(id)) this.#sources.set(id, { issuer, jwksUri: options.jwksUri });
    }
    this.#cache = new LRUCache<string, KeySet>({
      max: Math.max(1, this.#sources.size),
      ttl: options.jwks.cacheMaxAge * 1000,
      noDeleteOnStaleGet: true,
      // Each outcome sets its own TTL through `options.ttl`: the IdP's max-age on success,
      // `retryAfter` on failure.
      fetchMethod: (id, stale, { options }) => this.#load(id, stale, options),
    });
  }

  /** The key named `kid` if its set is cached and fresh — no fetch, no promise. */
  peekKey(issuer: string, kid: string | undefined): VerificationKey | undefined {
    if (kid === undefined) return undefined;
    const id = this.#sourceOfIssuer.get(issuer);
    return id === undefined ? undefined : this.#cache.get(id)?.byKid.get(kid);
  }

  /**
   * The key for a token from `issuer` with header `kid`. Rejects with `InvalidTokenError` when the
   * key is not published, or `KeysUnavailableError` (503) when keys cannot be obtained.
   */
  async getKey(issuer: string, kid: string | undefined, alg: string): Promise<VerificationKey> {
    const id = this.#sourceOfIssuer.get(issuer);
    if (id === undefined) throw new InvalidTokenError('unexpected issuer', 'bad_claim');
    let set = this.#cache.get(id) ?? (await this.#fetch(id, false));
    let key = this.#pick(set, kid, alg);
    if (key === undefined && !set.failed && Date.now() - set.attemptedAt >= this.#options.jwks.cooldown * 1000) {
      set = await this.#fetch(id, true);
      key = this.#pick(set, kid, alg);
    }
    if (key !== undefined) return key;
    if (set.failed) throw this.#unavailable(id);
    throw new InvalidTokenError(kid === undefined ? 'no key matches the token' : 'unknown signing key', 'unknown_key');
  }

  #pick(set: KeySet, kid: string | undefined, alg: string): VerificationKey | undefined {
    if (kid !== undefined) return set.byKid.get(kid);
    const candidates = set.keys.filter((key) => key.algorithms.has(alg));
    // Without a kid, several candidate keys would mean trying each: refuse rather than multiply the
    // cost of a forged token.
    if (candidates.length > 1) throw new InvalidTokenError('token has no kid and several keys match', 'ambiguous_key');
    return candidates[0];
  }

  async #fetch(id: string, forceRefresh: boolean): Promise<KeySet> {
    const set = await this.#cache.fetch(id, { forceRefresh });
    // fetchMethod never rejects; undefined only if the fetch was aborted by eviction.
    if (set === undefined) throw this.#unavailable(id);
    return set;
  }

  #unavailable(id: string): KeysUnavailableError {
    const remaining = this.#cache.getRemainingTTL(id);
    const seconds = Number.isFinite(remaining) && remaining > 0 ? remaining / 1000 : this.#options.jwks.retryAfter;
    return new KeysUnavailableError(Math.min(seconds, this.#options.jwks.retryAfter), this.#options.realm);
  }

  async #load(id: string, stale: KeySet | undefined, entry: { ttl?: number }): Promise<KeySet> {
    const source = this.#sources.get(id)!;
    const started = Date.now();
    const { jwks } = this.#options;
    try {
      const jwksUri = source.jwksUri ?? (source.jwksUri = await discoverJwksUri(source.issuer, { timeout: jwks.timeout, maxBytes: jwks.maxResponseBytes }, this.#options.allowInsecureHttp));
      const { body, maxAge } = await fetchJson(jwksUri, { timeout: jwks.timeout, maxBytes: jwks.maxResponseBytes });
      const { keys, skipped } = await importJwks(body, this.#options.algorithms);
      if (keys.length === 0) throw new FetchFailure(jwksUri, 'no usable key in the JWKS');
      const ttl = Math.min(Math.max(maxAge ?? jwks.cacheMaxAge, jwks.cacheMaxAgeBounds[0]), jwks.cacheMaxAgeBounds[1]);
      publish('jwks', { issuer: source.issuer, outcome: 'fetched', keys: keys.length, skipped });
      entry.ttl = Math.max(1, ttl * 1000); // 0 would mean "never expires" to lru-cache
      return toKeySet(carryOver(stale, keys), started, false, Date.now() + (ttl + jwks.maxStale) * 1000);
    } catch (err) {
      publish('jwks', { issuer: source.issuer, outcome: 'failed', detail: err instanceof FetchFailure ? err.detail : 'error' });
      if (err instanceof FetchFailure && source.jwksUri !== undefined && this.#options.jwksUri === undefined) source.jwksUri = undefined;
      const keep = stale !== undefined && Date.now() < stale.usableUntil ? stale : undefined;
      entry.ttl = Math.max(1, jwks.retryAfter * 1000);
      return toKeySet(keep?.keys ?? [], started, true, keep?.usableUntil ?? 0);
    }
  }
}
