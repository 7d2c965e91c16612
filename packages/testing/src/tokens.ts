import { randomUUID } from 'node:crypto';
import { SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import type { Alg } from './keys.js';
import type { KeyRing } from './key-ring.js';
import { parseTimeSpan } from './time-span.js';

/**
 * Claims for a minted token. `scope` may be given as a list; it is joined with spaces (RFC 9068 §2.2.3).
 *
 * @example
 * const claims: TestClaims = { sub: 'alice', scope: ['read', 'write'] };
 */
export type TestClaims = Omit<JWTPayload, 'scope'> & { scope?: string | string[] };

/**
 * HMAC algorithms `sign()` can use with the issuer's shared `secret`.
 *
 * @example
 * await issuer.sign({}, { alg: 'HS256' });
 */
export type HmacAlg = 'HS256' | 'HS384' | 'HS512';

/**
 * Options of `issuer.sign()`. Every field is optional.
 *
 * @example
 * await issuer.sign({}, { alg: 'ES256', expiresIn: '1h', notBefore: 30, header: { cty: 'x' } });
 */
export interface SignOptions {
  /**
   * Algorithm to sign with. Default: the algorithm of the current default key (the first of
   * `algorithms`, or the latest `rotate()`). An `HS*` value signs with the issuer's `secret`.
   */
  alg?: Alg | HmacAlg;
  /**
   * `kid` header. A published kid signs with that key; any other value keeps the default key but
   * puts this kid in the header (a token whose kid is not in the JWKS). Default: the signing key's kid.
   */
  kid?: string;
  /** Lifetime: seconds, or a time span such as `'5m'`, `'2h'`, `'-1m'` (relative to `iat`). Default 300. */
  expiresIn?: number | string;
  /** `nbf` relative to `iat`: seconds or a time span such as `'10m'`. Default: no `nbf` claim. */
  notBefore?: number | string;
  /** `iat` in seconds since the epoch. Default: now. */
  issuedAt?: number;
  /** `typ` header. Default `'at+jwt'` (RFC 9068 §2.1). */
  typ?: string;
  /** Extra protected-header parameters; they override everything except `alg`. */
  header?: Record<string, unknown>;
}

/** What `sign()` needs from the issuer that owns it. */
export interface SignerContext {
  issuer: string;
  audience: string | string[];
  ring: KeyRing;
  secret: Uint8Array;
}

/** A resolved signing key and the header values it implies. */
interface SigningChoice {
  alg: string;
  key: CryptoKey | Uint8Array;
  kid: string | undefined;
}

/**
 * Builds the payload of a minted token: defaults (`iss`, `aud`, `sub: 'test-user'`, `iat`, `exp` in
 * 5 minutes, random `jti`), then the caller's claims. A claim passed as `undefined` is left out, so
 * `{ exp: undefined }` mints a token without `exp`.
 *
 * @example
 * buildPayload(ctx, { scope: ['read', 'write'] }, {}); // { iss, aud, sub, iat, exp, jti, scope: 'read write' }
 */
export function buildPayload(ctx: SignerContext, claims: TestClaims = {}, options: SignOptions = {}): JWTPayload {
  const iat = options.issuedAt ?? Math.floor(Date.now() / 1000);
  const defaults: JWTPayload = {
    iss: ctx.issuer,
    aud: ctx.audience,
    sub: 'test-user',
    iat,
    exp: iat + parseTimeSpan(options.expiresIn ?? 300, 'expiresIn'),
    jti: randomUUID(),
  };
  if (options.notBefore !== undefined) defaults.nbf = iat + parseTimeSpan(options.notBefore, 'notBefore');
  const scope = Array.isArray(claims.scope) ? claims.scope.join(' ') : claims.scope;
  const payload: JWTPayload = { ...defaults, ...claims, ...('scope' in claims ? { scope } : {}) };
  for (const name of Object.keys(payload)) {
    if (payload[name] === undefined) delete payload[name];
  }
  return payload;
}

/**
 * Signs `payload` with the key `options` select. Throws a `TypeError` when no published key matches
 * the requested algorithm, so a misconfigured test fails loudly instead of minting the wrong token.
 *
 * @example
 * const token = await signPayload(ctx, buildPayload(ctx), { alg: 'ES256' });
 */
export async function signPayload(ctx: SignerContext, payload: JWTPayload, options: SignOptions = {}): Promise<string> {
  const choice = chooseKey(ctx, options);
  const header: Record<string, unknown> = { typ: options.typ ?? 'at+jwt', kid: choice.kid, ...options.header };
  for (const name of Object.keys(header)) {
    if (header[name] === undefined) delete header[name];
  }
  return new SignJWT(payload).setProtectedHeader({ ...header, alg: choice.alg }).sign(choice.key);
}

function chooseKey(ctx: SignerContext, options: SignOptions): SigningChoice {
  const { alg, kid } = options;
  if (alg !== undefined && /^HS(256|384|512)$/.test(alg)) {
    return { alg, key: ctx.secret, kid };
  }
  const byKid = kid === undefined ? undefined : ctx.ring.find(kid);
  if (byKid !== undefined) {
    if (alg !== undefined && alg !== byKid.alg) {
      throw new TypeError(`sign: key ${JSON.stringify(kid)} is an ${byKid.alg} key, not ${alg}`);
    }
    return { alg: byKid.alg, key: byKid.privateKey, kid: byKid.kid };
  }
  const key = alg === undefined ? ctx.ring.current : ctx.ring.forAlg(alg);
  if (key === undefined) {
    throw new TypeError(`sign: the issuer has no ${String(alg)} key; add it to createTestIssuer({ algorithms })`);
  }
  return { alg: key.alg, key: key.privateKey, kid: kid ?? key.kid };
}

/**
 * Mints a signed token: {@link buildPayload} then {@link signPayload}.
 *
 * @example
 * const token = await signToken(ctx, { scope: 'read' }, { expiresIn: '1h' });
 */
export async function signToken(ctx: SignerContext, claims?: TestClaims, options?: SignOptions): Promise<string> {
  return signPayload(ctx, buildPayload(ctx, claims, options), options);
}
