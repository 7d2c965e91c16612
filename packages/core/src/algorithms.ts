/**
 * The JWS algorithms portcullis knows (RFC 7518 §3, RFC 8037) and what each demands of its key.
 */

/** Asymmetric algorithms, allowed by default. */
export const ASYMMETRIC_ALGORITHMS = [
  'RS256', 'RS384', 'RS512',
  'PS256', 'PS384', 'PS512',
  'ES256', 'ES384', 'ES512',
  'EdDSA',
] as const;

/** HMAC algorithms, allowed only when a `secret` is configured. */
export const HMAC_ALGORITHMS = ['HS256', 'HS384', 'HS512'] as const;

/** What an algorithm needs: the key type, the curve for EC/OKP, the hash, the raw signature length. */
export interface AlgorithmSpec {
  family: 'RSA' | 'RSA-PSS' | 'EC' | 'OKP' | 'HMAC';
  kty: 'RSA' | 'EC' | 'OKP' | 'oct';
  hash?: 'sha256' | 'sha384' | 'sha512';
  /** EC curve (JWK `crv`). */
  crv?: 'P-256' | 'P-384' | 'P-521';
  /** Exact signature length in bytes where fixed (ECDSA in IEEE P1363 form, HMAC). */
  signatureLength?: number;
}

const rsa = (hash: AlgorithmSpec['hash']): AlgorithmSpec => ({ family: 'RSA', kty: 'RSA', hash });
const pss = (hash: AlgorithmSpec['hash']): AlgorithmSpec => ({ family: 'RSA-PSS', kty: 'RSA', hash });
const ec = (hash: AlgorithmSpec['hash'], crv: AlgorithmSpec['crv'], signatureLength: number): AlgorithmSpec =>
  ({ family: 'EC', kty: 'EC', hash, crv, signatureLength });
const hmac = (hash: AlgorithmSpec['hash'], signatureLength: number): AlgorithmSpec =>
  ({ family: 'HMAC', kty: 'oct', hash, signatureLength });

/** The spec of every supported algorithm. Lookups are case-sensitive: `none`, `None`, `rs256` are absent. */
export const ALGORITHMS: ReadonlyMap<string, AlgorithmSpec> = new Map<string, AlgorithmSpec>([
  ['RS256', rsa('sha256')], ['RS384', rsa('sha384')], ['RS512', rsa('sha512')],
  ['PS256', pss('sha256')], ['PS384', pss('sha384')], ['PS512', pss('sha512')],
  ['ES256', ec('sha256', 'P-256', 64)], ['ES384', ec('sha384', 'P-384', 96)], ['ES512', ec('sha512', 'P-521', 132)],
  ['EdDSA', { family: 'OKP', kty: 'OKP' }],
  ['HS256', hmac('sha256', 32)], ['HS384', hmac('sha384', 48)], ['HS512', hmac('sha512', 64)],
]);

const EC_ALG_BY_CURVE: Record<string, string> = { 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512' };

/**
 * The algorithms a JWK may verify, among `allowed`: its own `alg` if it names one, otherwise every
 * allowed algorithm its key type and curve fit.
 *
 * @example
 * algorithmsForJwk({ kty: 'EC', crv: 'P-256' }, new Set(['ES256', 'RS256'])) // ['ES256']
 */
export function algorithmsForJwk(jwk: { kty?: unknown; crv?: unknown; alg?: unknown }, allowed: ReadonlySet<string>): string[] {
  if (jwk.alg !== undefined) {
    const spec = typeof jwk.alg === 'string' ? ALGORITHMS.get(jwk.alg) : undefined;
    if (!spec || !allowed.has(jwk.alg as string) || spec.kty !== jwk.kty) return [];
    if (spec.crv !== undefined && spec.crv !== jwk.crv) return [];
    if (jwk.alg === 'EdDSA' && jwk.crv !== 'Ed25519' && jwk.crv !== 'Ed448') return [];
    return [jwk.alg as string];
  }
  if (jwk.kty === 'EC') {
    const alg = EC_ALG_BY_CURVE[String(jwk.crv)];
    return alg && allowed.has(alg) ? [alg] : [];
  }
  if (jwk.kty === 'OKP') return (jwk.crv === 'Ed25519' || jwk.crv === 'Ed448') && allowed.has('EdDSA') ? ['EdDSA'] : [];
  if (jwk.kty === 'RSA') return [...allowed].filter((alg) => ALGORITHMS.get(alg)?.kty === 'RSA');
  return [];
}
