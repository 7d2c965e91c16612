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

/** What one (key, algorithm) pair needs per check, worked out once. */
interface Prepared {
  hash: string | null;
  family: string;
  /** The exact signature length this key and algorithm produce. */
  length: number;
  /** The node:crypto key input (asymmetric), or the secret (HMAC). */
  input: VerifyKeyObjectInput | Uint8Array | KeyObject;
}

// Prepared inputs per key object: computed on first use, so keys built anywhere (imported JWKS,
// the configured secret, test vectors) get the same fast path.
const preparedByKey = new WeakMap<VerificationKey, Map<string, Prepared | null>>();

function rsaModulusBytes(key: KeyObject): number {
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  return Math.ceil(bits / 8);
}

function asymmetricInput(family: string, key: KeyObject): VerifyKeyObjectInput {
  if (family === 'RSA') return { key, padding: RSA_PKCS1 };
  if (family === 'RSA-PSS') return { key, padding: RSA_PSS, saltLength: PSS_SALT };
  // JWS carries ECDSA signatures as r || s (RFC 7518 §3.4), not DER.
  if (family === 'EC') return { key, dsaEncoding: 'ieee-p1363' };
  return { key };
}

function secretLength(secret: Uint8Array | KeyObject): number {
  return secret instanceof Uint8Array ? secret.byteLength : (secret.symmetricKeySize ?? 0);
}

function prepare(key: VerificationKey, alg: string): Prepared | null {
  const spec = ALGORITHMS.get(alg);
  if (spec === undefined || !key.algorithms.has(alg)) return null;
  if (spec.family === 'HMAC') {
    // RFC 7518 §3.2: a key shorter than the hash output MUST NOT be used (HS384 needs 48 bytes, HS512 64).
    if (secretLength(key.key) < spec.signatureLength!) return null;
    return { hash: spec.hash!, family: spec.family, length: spec.signatureLength!, input: key.key };
  }
  const keyObject = key.key as KeyObject;
  const length = spec.signatureLength
    ?? (spec.kty === 'RSA' ? rsaModulusBytes(keyObject) : keyObject.asymmetricKeyType === 'ed448' ? 114 : 64);
  return { hash: spec.hash ?? null, family: spec.family, length, input: asymmetricInput(spec.family, keyObject) };
}

function prepared(key: VerificationKey, alg: string): Prepared | null {
  let byAlg = preparedByKey.get(key);
  if (byAlg === undefined) preparedByKey.set(key, (byAlg = new Map()));
  let entry = byAlg.get(alg);
  if (entry === undefined) byAlg.set(alg, (entry = prepare(key, alg)));
  return entry;
}

function verifyHmac(p: Prepared, data: Buffer | string, signature: Buffer): boolean {
  const hmac = createHmac(p.hash!, p.input as Uint8Array | KeyObject);
  const expected = (typeof data === 'string' ? hmac.update(data, 'latin1') : hmac.update(data)).digest();
  // Compared in constant time: a timing leak would let an attacker forge a MAC byte by byte.
  return expected.length === signature.length && timingSafeEqual(expected, signature);
}

/**
 * Checks `signature` over `data` (`header.payload`, as ASCII bytes or the string itself) with `alg`.
 * False on any mismatch: an algorithm the key is not bound to, a wrong signature length, a secret
 * too short for the algorithm, or a bad signature.
 *
 * @example
 * verifySignature(key, 'RS256', Buffer.from(`${h}.${p}`), signatureBytes) // true | false
 */
export function verifySignature(key: VerificationKey, alg: string, data: Buffer | string, signature: Buffer): boolean {
  const p = prepared(key, alg);
  if (p === null || signature.length !== p.length) return false;
  if (p.family === 'HMAC') return verifyHmac(p, data, signature);
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
    return verify(p.hash, bytes, p.input as VerifyKeyObjectInput, signature);
  } catch {
    // OpenSSL throws on some malformed signatures (e.g. r or s out of range); that is a bad signature.
    return false;
  }
}
