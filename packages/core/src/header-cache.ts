/**
 * A small cache of decoded, checked JOSE headers. Every token an issuer signs with one key carries
 * the same header segment, so decoding and checking it once per key instead of once per request
 * takes a JSON parse off the hot path. Only headers that pass the checks are kept, frozen.
 */
import type { JWTHeaderParameters } from 'jose';
import { LRUCache } from 'lru-cache';
import { checkHeader } from './claims.js';
import type { ResolvedOptions } from './options.js';
import { decodeJsonObject } from './parse-jwt.js';
import { deepFreeze } from './freeze.js';

const MAX_HEADERS = 64;
const MAX_HEADER_LENGTH = 1024;

/**
 * @example
 * const headers = new HeaderCache(options)
 * const header = headers.decode(token.slice(0, token.indexOf('.')))
 */
export class HeaderCache {
  readonly #options: ResolvedOptions;
  readonly #cache = new LRUCache<string, JWTHeaderParameters>({ max: MAX_HEADERS });

  constructor(options: ResolvedOptions) {
    this.#options = options;
  }

  /** The header of a segment, decoded and checked (`checkHeader`); throws `InvalidTokenError` otherwise. */
  decode = (segment: string): JWTHeaderParameters => {
    const cached = this.#cache.get(segment);
    if (cached !== undefined) return cached;
    const header = decodeJsonObject(segment, 'header') as JWTHeaderParameters;
    checkHeader(header, this.#options);
    deepFreeze(header);
    if (segment.length <= MAX_HEADER_LENGTH) this.#cache.set(segment, header);
    return header;
  };
}
