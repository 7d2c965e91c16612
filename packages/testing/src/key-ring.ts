import type { JWK } from 'jose';
import { createSigningKey, isAlg, SUPPORTED_ALGS, type Alg, type SigningKey } from './keys.js';

/**
 * Options of `issuer.rotate()`.
 *
 * @example
 * const { kid } = await issuer.rotate({ keepOld: false, alg: 'ES256' });
 */
export interface RotateOptions {
  /** Keep publishing the replaced key so tokens it signed still verify. Default `true`. */
  keepOld?: boolean;
  /** Algorithm of the new key. Default: the algorithm of the current default signing key. */
  alg?: Alg;
}

/**
 * The keys an issuer publishes, and which of them signs by default. One key per configured
 * algorithm at start; `rotate()` adds a new key and makes it the default.
 *
 * @example
 * const ring = await KeyRing.create(['RS256', 'ES256']);
 * ring.current.alg; // 'RS256'
 * ring.jwks().keys.length; // 2
 */
export class KeyRing {
  #keys: SigningKey[];
  #current: SigningKey;

  private constructor(keys: SigningKey[]) {
    const first = keys[0];
    if (first === undefined) throw new TypeError('algorithms must name at least one algorithm');
    this.#keys = keys;
    this.#current = first;
  }

  /**
   * Generates one fresh key per algorithm (in parallel); the first becomes the default signing key.
   *
   * @example
   * const ring = await KeyRing.create(['EdDSA']);
   */
  static async create(algorithms: readonly Alg[]): Promise<KeyRing> {
    if (!Array.isArray(algorithms) || algorithms.length === 0) {
      throw new TypeError('algorithms must be a non-empty array');
    }
    for (const alg of algorithms) {
      if (!isAlg(alg)) {
        throw new TypeError(`algorithms: unsupported ${JSON.stringify(alg)}; use ${SUPPORTED_ALGS.join(', ')}`);
      }
    }
    const unique = [...new Set(algorithms)];
    return new KeyRing(await Promise.all(unique.map((alg) => createSigningKey(alg))));
  }

  /** The default signing key. */
  get current(): SigningKey {
    return this.#current;
  }

  /** Every published key, oldest first. */
  get keys(): readonly SigningKey[] {
    return this.#keys;
  }

  /** The published key with this `kid`, if any. */
  find(kid: string): SigningKey | undefined {
    return this.#keys.find((key) => key.kid === kid);
  }

  /** The newest published key of this algorithm, if any. */
  forAlg(alg: string): SigningKey | undefined {
    if (this.#current.alg === alg) return this.#current;
    return this.#keys.findLast((key) => key.alg === alg);
  }

  /**
   * Generates a new key (new `kid`), publishes it and makes it the default signing key. With
   * `keepOld: false` the replaced default key stops being published — tokens it signed no longer verify.
   */
  async rotate(options: RotateOptions = {}): Promise<SigningKey> {
    const { keepOld = true, alg = this.#current.alg } = options;
    const next = await createSigningKey(alg);
    const previous = this.#current;
    this.#keys = keepOld ? [...this.#keys, next] : [...this.#keys.filter((key) => key !== previous), next];
    this.#current = next;
    return next;
  }

  /** The JWKS document (RFC 7517 §5) for every published key. */
  jwks(): { keys: JWK[] } {
    return { keys: this.#keys.map((key) => ({ ...key.publicJwk })) };
  }
}
