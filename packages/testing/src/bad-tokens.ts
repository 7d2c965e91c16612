import { createHmac } from 'node:crypto';
import { SignJWT, type JWTPayload } from 'jose';
import { createSigningKey, publicKeyPem, randomKid, type SigningKey } from './keys.js';
import { buildPayload, signPayload, type SignerContext, type TestClaims } from './tokens.js';

/**
 * A preset: takes the same claim overrides as `sign()` and returns a token that must be rejected.
 *
 * @example
 * const token = await issuer.badTokens.tampered({ scope: 'read' });
 */
export type BadTokenPreset = (claims?: TestClaims) => Promise<string>;

/**
 * Tokens a verifier must refuse, each built the way a real attacker or a real bug would build it.
 * Caller claims are applied first, then the defect, so the defect always survives.
 *
 * @example
 * await request(app).get('/me').auth(await issuer.badTokens.keyConfusion(), { type: 'bearer' }).expect(401);
 */
export interface BadTokens {
  /** Properly signed, but `exp` passed an hour ago — far beyond any sane clock tolerance (RFC 7519 §4.1.4). */
  expired: BadTokenPreset;
  /** Properly signed, but `nbf` is 10 minutes ahead (RFC 7519 §4.1.5). */
  notYetValid: BadTokenPreset;
  /** Properly signed by the issuer, for another API (`aud` mismatch, RFC 7519 §4.1.3). */
  wrongAudience: BadTokenPreset;
  /** Signed by a published key, but `iss` names another issuer (RFC 7519 §4.1.1). */
  wrongIssuer: BadTokenPreset;
  /** `alg: none` with an empty signature (RFC 7519 §6) — keeps the real `kid` to look legitimate. */
  unsigned: BadTokenPreset;
  /** Signed by a fresh key of the same algorithm whose `kid` is not in the JWKS. */
  unknownKey: BadTokenPreset;
  /** A valid token whose payload was edited after signing (scope widened with `admin`), signature kept. */
  tampered: BadTokenPreset;
  /**
   * HS256, HMAC-keyed with the issuer's public key as SPKI PEM text and carrying the real `kid` —
   * the classic algorithm-confusion attack (RFC 8725 §2.1).
   */
  keyConfusion: BadTokenPreset;
}

/**
 * The name of every preset, for tests that run them all.
 *
 * @example
 * it.each(BAD_TOKEN_KINDS)('refuses a %s token', async (kind) => { … issuer.badTokens[kind]() … });
 */
export const BAD_TOKEN_KINDS = [
  'expired', 'notYetValid', 'wrongAudience', 'wrongIssuer', 'unsigned', 'unknownKey', 'tampered', 'keyConfusion',
] as const satisfies ReadonlyArray<keyof BadTokens>;

const HOUR = 3600;
const encodeJson = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const now = (): number => Math.floor(Date.now() / 1000);

/**
 * The `badTokens` presets of an issuer.
 *
 * @example
 * const bad = createBadTokens(ctx);
 * await bad.expired({ scope: 'read' });
 */
export function createBadTokens(ctx: SignerContext): BadTokens {
  let strangers: Map<string, Promise<SigningKey>> | undefined;
  const stranger = (alg: SigningKey['alg']): Promise<SigningKey> => {
    strangers ??= new Map();
    let key = strangers.get(alg);
    if (key === undefined) {
      key = createSigningKey(alg, randomKid());
      strangers.set(alg, key);
    }
    return key;
  };
  const resign = (claims: TestClaims | undefined, defect: JWTPayload): Promise<string> =>
    signPayload(ctx, { ...buildPayload(ctx, claims), ...defect });

  return {
    expired: (claims) => resign(claims, { iat: now() - 2 * HOUR, exp: now() - HOUR }),
    notYetValid: (claims) => resign(claims, { iat: now(), nbf: now() + 600, exp: now() + 900 }),
    wrongAudience: (claims) => resign(claims, { aud: otherThan(ctx.audience, 'https://other-api.example.test') }),
    wrongIssuer: (claims) => resign(claims, { iss: otherThan(ctx.issuer, 'https://untrusted-issuer.example.test') }),
    unsigned: async (claims) => {
      const header = { alg: 'none', typ: 'at+jwt', kid: ctx.ring.current.kid };
      return `${encodeJson(header)}.${encodeJson(buildPayload(ctx, claims))}.`;
    },
    unknownKey: async (claims) => {
      const key = await stranger(ctx.ring.current.alg);
      return new SignJWT(buildPayload(ctx, claims))
        .setProtectedHeader({ alg: key.alg, typ: 'at+jwt', kid: key.kid })
        .sign(key.privateKey);
    },
    tampered: async (claims) => tamper(await signPayload(ctx, buildPayload(ctx, claims))),
    keyConfusion: (claims) => keyConfusion(ctx, buildPayload(ctx, claims)),
  };
}

function otherThan(configured: string | string[], candidate: string): string {
  const taken = Array.isArray(configured) ? configured : [configured];
  return taken.includes(candidate) ? `${candidate}/other` : candidate;
}

/** Widens the scope of a signed token in place of its payload, leaving header and signature untouched. */
function tamper(token: string): string {
  const [header, payload, signature] = token.split('.');
  const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as JWTPayload;
  const scope = typeof claims.scope === 'string' && claims.scope !== '' ? `${claims.scope} admin` : 'admin';
  return `${header}.${encodeJson({ ...claims, scope })}.${signature}`;
}

async function keyConfusion(ctx: SignerContext, payload: JWTPayload): Promise<string> {
  // The attack needs a public key the attacker can download: prefer an RSA one, as in the original
  // advisories, and fall back to whatever key the issuer signs with.
  const isRsa = (k: SigningKey): boolean => /^(RS|PS)/.test(k.alg);
  const key = isRsa(ctx.ring.current) ? ctx.ring.current : (ctx.ring.keys.findLast(isRsa) ?? ctx.ring.current);
  const pem = await publicKeyPem(key);
  const signingInput = `${encodeJson({ alg: 'HS256', typ: 'at+jwt', kid: key.kid })}.${encodeJson(payload)}`;
  // Built by hand: jose (rightly) refuses to use an asymmetric public key as an HMAC secret.
  const signature = createHmac('sha256', pem).update(signingInput).digest('base64url');
  return `${signingInput}.${signature}`;
}
