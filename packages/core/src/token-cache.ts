/**
 * The verified-token cache: successful verifications only, keyed by the whole token, bounded by
 * entries and by (estimated) bytes. An entry never outlives the token's `exp`, and is dropped as
 * soon as the key that verified it leaves the JWKS. The caller still re-checks `exp`/`nbf` and runs
 * the `validate` hook on every hit.
 */
import { LRUCache } from 'lru-cache';
import type { TokenCacheOptions } from './options.js';
import type { VerificationKey } from './signature.js';
import type { AuthContext } from './types.js';

/** A cached verification. */
export interface CachedVerification {
  /** The context minus `token`, with frozen claims and header. */
  context: AuthContext;
  key: VerificationKey;
}

interface Entry extends CachedVerification {
  token: string;
}

// Entries are found by the token's last characters (signature bytes: effectively random) and then
// compared with the whole token. Hashing a 64-character key instead of a whole ~1 KB token is most of
// the cost of a hit; the comparison keeps the cache keyed, in effect, by the whole token.
const KEY_LENGTH = 64;

/** Longer tokens are not cached: rare, and each would take a large share of the byte budget. */
export const MAX_CACHED_TOKEN_LENGTH = 4096;
// Measured (bench/, 100,000 RS256 tokens of ~750 characters): about 1.2 bytes of heap per token
// character for an entry — the token string, the parsed claims, the context. Estimate 1.5 so the
// byte budget holds for tokens with larger claims.
const BYTES_PER_TOKEN_CHAR = 1.5;
const ENTRY_OVERHEAD = 256;

/**
 * @example
 * const cache = new TokenCache({ maxEntries: 10_000, maxBytes: 16 << 20 })
 * cache.set(token, verification, claims.exp)
 */
export class TokenCache {
  readonly #cache: LRUCache<string, Entry>;

  constructor(options: Required<TokenCacheOptions>) {
    this.#cache = new LRUCache<string, Entry>({
      max: options.maxEntries,
      maxSize: options.maxBytes,
      sizeCalculation: (entry) => Math.ceil(entry.token.length * BYTES_PER_TOKEN_CHAR) + ENTRY_OVERHEAD,
    });
  }

  /** The verification of `token`, unless absent or its key has since been retired. */
  get(token: string): CachedVerification | undefined {
    const key = token.slice(-KEY_LENGTH);
    const hit = this.#cache.get(key);
    if (hit === undefined || hit.token !== token) return undefined;
    if (!hit.key.retired) return hit;
    this.#cache.delete(key);
    return undefined;
  }

  /** Remembers a successful verification until `exp` (seconds since epoch). */
  set(token: string, verification: CachedVerification, exp: number): void {
    const ttl = Math.floor(exp * 1000 - Date.now());
    if (token.length > MAX_CACHED_TOKEN_LENGTH || !(ttl > 0)) return;
    this.#cache.set(token.slice(-KEY_LENGTH), { ...verification, token }, { ttl });
  }

  /** Number of cached tokens. */
  get size(): number {
    return this.#cache.size;
  }
}
