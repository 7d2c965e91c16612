/**
 * Turning a JWKS document into verification keys, refusing every key that is unsafe or ambiguous.
 * jose imports and validates each JWK; node:crypto then holds it as a KeyObject for the fast check.
 */
import { KeyObject, type webcrypto } from 'node:crypto';
import { importJWK, type JWK } from 'jose';
import { algorithmsForJwk } from './algorithms.js';
import type { VerificationKey } from './signature.js';

/** Members that only a private or symmetric key has (RFC 7518 §6.2.2, §6.3.2, §6.4). */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
const MIN_RSA_BITS = 2048;
const MAX_KEYS = 100;
const EC_CURVES: Record<string, string> = { 'P-256': 'prime256v1', 'P-384': 'secp384r1', 'P-521': 'secp521r1' };

/** Why a JWK was refused (published on the diagnostics channel, never the key itself). */
export type SkipReason = 'not_an_object' | 'private_key' | 'not_for_signing' | 'unsupported' | 'weak_key' | 'invalid' | 'duplicate_kid';

function usableForSigning(jwk: Record<string, unknown>): boolean {
  if (jwk.use !== undefined && jwk.use !== 'sig') return false;
  if (jwk.key_ops !== undefined && !(Array.isArray(jwk.key_ops) && jwk.key_ops.includes('verify'))) return false;
  return true;
}

function strongEnough(key: KeyObject, jwk: Record<string, unknown>): boolean {
  const details = key.asymmetricKeyDetails ?? {};
  if (jwk.kty === 'RSA') {
    const e = details.publicExponent ?? 0n;
    // e = 1 makes every "signature" its own message; even exponents are not RSA at all.
    return (details.modulusLength ?? 0) >= MIN_RSA_BITS && e >= 3n && e % 2n === 1n;
  }
  if (jwk.kty === 'EC') return details.namedCurve === EC_CURVES[String(jwk.crv)];
  return key.asymmetricKeyType === String(jwk.crv).toLowerCase();
}

async function importOne(jwk: Record<string, unknown>, allowed: ReadonlySet<string>): Promise<VerificationKey | SkipReason> {
  if (PRIVATE_MEMBERS.some((member) => member in jwk)) return 'private_key';
  if (!usableForSigning(jwk)) return 'not_for_signing';
  const algorithms = algorithmsForJwk(jwk, allowed);
  if (algorithms.length === 0) return 'unsupported';
  let key: KeyObject;
  try {
    const imported = await importJWK(jwk as JWK, algorithms[0], { extractable: false });
    key = KeyObject.from(imported as webcrypto.CryptoKey);
  } catch {
    return 'invalid';
  }
  if (key.type !== 'public' || !strongEnough(key, jwk)) return 'weak_key';
  const kid = typeof jwk.kid === 'string' && jwk.kid !== '' ? jwk.kid : undefined;
  const fingerprint = [kid, jwk.kty, jwk.crv, jwk.n, jwk.e, jwk.x, jwk.y, algorithms.join()].join('|');
  return { kid, algorithms: new Set(algorithms), key, retired: false, fingerprint };
}

/** The outcome of importing a JWKS: usable keys and the reasons others were refused. */
export interface ImportedKeys {
  keys: VerificationKey[];
  skipped: SkipReason[];
}

/**
 * Imports the usable keys of a JWKS document. Refused: private or symmetric members, `use` other
 * than `sig`, algorithms outside `allowed` or not matching the key type or curve, RSA under 2048
 * bits or with a bad exponent, keys jose will not import, and every key sharing a `kid` with
 * another (a `kid` must name one key).
 *
 * @example
 * const { keys } = await importJwks(await (await fetch(jwksUri)).json(), new Set(['RS256']))
 */
export async function importJwks(document: Record<string, unknown>, allowed: ReadonlySet<string>): Promise<ImportedKeys> {
  const list = Array.isArray(document.keys) ? document.keys.slice(0, MAX_KEYS) : [];
  const results = await Promise.all(list.map((jwk) =>
    typeof jwk === 'object' && jwk !== null && !Array.isArray(jwk) ? importOne(jwk as Record<string, unknown>, allowed) : ('not_an_object' as const)));
  const skipped: SkipReason[] = [];
  const counts = new Map<string, number>();
  for (const result of results) {
    if (typeof result === 'string') skipped.push(result);
    else if (result.kid !== undefined) counts.set(result.kid, (counts.get(result.kid) ?? 0) + 1);
  }
  const keys: VerificationKey[] = [];
  for (const result of results) {
    if (typeof result === 'string') continue;
    if (result.kid !== undefined && counts.get(result.kid)! > 1) skipped.push('duplicate_kid');
    else keys.push(result);
  }
  return { keys, skipped };
}
