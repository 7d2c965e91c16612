import { generateKeyPair as generateNodeKeyPair, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { calculateJwkThumbprint, exportJWK, exportSPKI, generateKeyPair, type CryptoKey, type JWK } from 'jose';

/**
 * Asymmetric JWS algorithms a test issuer can publish keys for (RFC 7518 §3.1, RFC 8037 §3.1).
 *
 * @example
 * const alg: Alg = 'PS256';
 */
export type Alg =
  | 'RS256'
  | 'RS384'
  | 'RS512'
  | 'PS256'
  | 'PS384'
  | 'PS512'
  | 'ES256'
  | 'ES384'
  | 'ES512'
  | 'EdDSA';

/**
 * Every {@link Alg}, in the order a verifier usually lists them.
 *
 * @example
 * const issuer = await createTestIssuer({ algorithms: [...SUPPORTED_ALGS] });
 */
export const SUPPORTED_ALGS: readonly Alg[] = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
];

/** A key pair the issuer signs with, plus the public JWK it publishes. */
export interface SigningKey {
  kid: string;
  alg: Alg;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  /** The public JWK as served in the JWKS: key material plus `kid`, `alg` and `use: 'sig'`. */
  publicJwk: JWK;
}

/**
 * Whether `value` names an algorithm a test issuer can generate keys for.
 *
 * @example
 * isAlg('ES256'); // true
 * isAlg('HS256'); // false — symmetric keys are never published in a JWKS
 */
export function isAlg(value: unknown): value is Alg {
  return typeof value === 'string' && (SUPPORTED_ALGS as readonly string[]).includes(value);
}

/**
 * Generates a fresh key pair for `alg`. The `kid` defaults to the key's RFC 7638 JWK thumbprint, so a
 * rotated key always gets a new `kid`.
 *
 * @example
 * const key = await createSigningKey('ES256');
 * key.publicJwk; // { kty: 'EC', crv: 'P-256', x, y, kid, alg: 'ES256', use: 'sig' }
 */
export async function createSigningKey(alg: Alg, kid?: string): Promise<SigningKey> {
  if (!isAlg(alg)) {
    throw new TypeError(`unsupported algorithm ${JSON.stringify(alg)}; use one of ${SUPPORTED_ALGS.join(', ')}`);
  }
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const material = await exportJWK(publicKey);
  const keyId = kid ?? (await calculateJwkThumbprint(material));
  return { kid: keyId, alg, privateKey, publicKey, publicJwk: { ...material, kid: keyId, alg, use: 'sig' } };
}

/**
 * The public key as SPKI PEM text — the exact bytes a confused verifier would use as an HMAC secret.
 *
 * @example
 * const pem = await publicKeyPem(key); // '-----BEGIN PUBLIC KEY-----\n…'
 */
export function publicKeyPem(key: SigningKey): Promise<string> {
  return exportSPKI(key.publicKey);
}

/**
 * A random key id that can never collide with a thumbprint-derived one (thumbprints are 43 characters).
 *
 * @example
 * randomKid(); // 'test-3f9c…'
 */
export function randomKid(): string {
  return `test-${randomBytes(12).toString('hex')}`;
}

const generateNodeKeyPairAsync = promisify(generateNodeKeyPair);
let unusableKeys: Promise<JWK[]> | undefined;

/**
 * Public JWKs no careful verifier may use: a 1024-bit RSA signing key (below the 2048-bit minimum of
 * RFC 7518 §3.3) and a key marked `use: 'enc'` (RFC 7517 §4.2). Generated once per process — they are
 * public test keys only.
 *
 * @example
 * const jwks = { keys: await createUnusableKeys() };
 */
export function createUnusableKeys(): Promise<JWK[]> {
  unusableKeys ??= buildUnusableKeys();
  return unusableKeys;
}

async function buildUnusableKeys(): Promise<JWK[]> {
  // jose refuses to generate RSA keys below 2048 bits, so the weak key comes from node:crypto.
  const weak = await generateNodeKeyPairAsync('rsa', { modulusLength: 1024 });
  const weakJwk = weak.publicKey.export({ format: 'jwk' }) as JWK;
  const enc = await generateNodeKeyPairAsync('ec', { namedCurve: 'P-256' });
  const encJwk = enc.publicKey.export({ format: 'jwk' }) as JWK;
  return [
    { ...weakJwk, kid: randomKid(), alg: 'RS256', use: 'sig' },
    { ...encJwk, kid: randomKid(), alg: 'ECDH-ES', use: 'enc' },
  ];
}
