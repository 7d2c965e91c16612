/**
 * The per-request signature check, on node:crypto `KeyObject`s imported once per key (issue #6).
 * jose remains the reference for JWK import and claim semantics; this is the same check without
 * the WebCrypto hand-off, whose cost exceeds that of the RSA operation itself.
 */
import { constants, createHmac, timingSafeEqual, verify, type KeyObject, type VerifyKeyObjectInput } from 'node:crypto';
import { ALGORITHMS } from './algorithms.js';

/** A key ready to verify: the KeyObject plus the algorithms it is bound to. */
export interface VerificationKey {
  /** `kid` from the JWKS, if any. */
  kid?: string;
  /** The algorithms this key may verify; a token's `alg` outside this set never reaches crypto. */
  algorithms: ReadonlySet<string>;
  /** The key: a public KeyObject, or the HMAC secret. */
  key: KeyObject | Uint8Array;
  /** Set when the key left the JWKS; cached verifications made with it are then dropped. */
  retired: boolean;
  /** Identity of the key material, to recognise the same key across JWKS refreshes. */
  fingerprint?: string;
}

const RSA_PKCS1 = constants.RSA_PKCS1_PADDING;
const RSA_PSS = constants.RSA_PKCS1_PSS_PADDING;
// RFC 7518 §3.5: the PSS salt is as long as the hash output.
const PSS_SALT = constants.RSA_PSS_SALTLEN_DIGEST;

function rsaModulusBytes(key: KeyObject): number {
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  return Math.ceil(bits / 8);
}

function asymmetricInput(alg: string, key: KeyObject): VerifyKeyObjectInput {
  const family = ALGORITHMS.get(alg)?.family;
  if (family === 'RSA') return { key, padding: RSA_PKCS1 };
  if (family === 'RSA-PSS') return { key, padding: RSA_PSS, saltLength: PSS_SALT };
  // JWS carries ECDSA signatures as r || s (RFC 7518 §3.4), not DER.
  if (family === 'EC') return { key, dsaEncoding: 'ieee-p1363' };
  return { key };
}

function verifyHmac(hash: string, secret: Uint8Array | KeyObject, data: Buffer | string, signature: Buffer): boolean {
  // Compared in constant time: a timing leak would let an attacker forge a MAC byte by byte.
  const expected = (typeof data === 'string' ? createHmac(hash, secret).update(data, 'latin1') : createHmac(hash, secret).update(data)).digest();
  return expected.length === signature.length && timingSafeEqual(expected, signature);
}

function secretLength(secret: Uint8Array | KeyObject): number {
  return secret instanceof Uint8Array ? secret.byteLength : (secret.symmetricKeySize ?? 0);
}

function expectedLength(alg: string, key: VerificationKey): number | undefined {
  const spec = ALGORITHMS.get(alg);
  if (spec?.signatureLength !== undefined) return spec.signatureLength;
  if (spec?.kty === 'RSA') return rsaModulusBytes(key.key as KeyObject);
  if (alg === 'EdDSA') return (key.key as KeyObject).asymmetricKeyType === 'ed448' ? 114 : 64;
  return undefined;
}

/**
 * Checks `signature` over `data` (`header.payload`, as ASCII bytes or the string itself) with `alg`. False on any
 * mismatch: an algorithm the key is not bound to, a wrong signature length, or a bad signature.
 *
 * @example
 * verifySignature(key, 'RS256', Buffer.from(`${h}.${p}`), signatureBytes) // true | false
 */
export function verifySignature(key: VerificationKey, alg: string, data: Buffer | string, signature: Buffer): boolean {
  if (!key.algorithms.has(alg)) return false;
  const spec = ALGORITHMS.get(alg);
  if (spec === undefined || signature.length !== expectedLength(alg, key)) return false;
  if (spec.family === 'HMAC') {
    // RFC 7518 §3.2: a key shorter than the hash output MUST NOT be used (HS384 needs 48 bytes, HS512 64).
    return secretLength(key.key) >= signature.length && verifyHmac(spec.hash as string, key.key, data, signature);
  }
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
    return verify(spec.hash ?? null, bytes, asymmetricInput(alg, key.key as KeyObject), signature);
  } catch {
    // OpenSSL throws on some malformed signatures (e.g. r or s out of range); that is a bad signature.
    return false;
  }
}
