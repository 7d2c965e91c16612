import { createHmac } from 'node:crypto';
import { createLocalJWKSet, decodeProtectedHeader, exportSPKI, importJWK, jwtVerify, type CryptoKey, type JWK } from 'jose';
import { createTestIssuer, type BadTokens, type TestIssuer } from '../src/index.js';
import { segment, verifyAgainstServedJwks } from './helpers.js';

const now = (): number => Math.floor(Date.now() / 1000);

describe('badTokens (checked with jose against the served JWKS)', () => {
  let issuer: TestIssuer;
  beforeAll(async () => {
    issuer = await createTestIssuer();
  });
  afterAll(() => issuer.close());

  /** Verifies with every check except the one named, to show the defect is the only thing wrong. */
  const verifySkipping = async (token: string, skip: 'iss' | 'aud' | 'time') => {
    const jwks = createLocalJWKSet((await (await fetch(issuer.jwksUri)).json()) as { keys: JWK[] });
    return jwtVerify(token, jwks, {
      issuer: skip === 'iss' ? undefined : issuer.url,
      audience: skip === 'aud' ? undefined : issuer.options.audience,
      currentDate: skip === 'time' ? new Date(((segment(token, 1).iat as number) + 1) * 1000) : undefined,
      algorithms: ['RS256'],
    });
  };

  test('expired: properly signed, exp an hour in the past (far beyond a 5 s tolerance)', async () => {
    const token = await issuer.badTokens.expired({ scope: 'read' });
    const payload = segment(token, 1);
    expect(now() - (payload.exp as number)).toBeGreaterThanOrEqual(3600);
    expect(payload.iat as number).toBeLessThan(payload.exp as number);
    await expect(verifyAgainstServedJwks(issuer, token)).rejects.toMatchObject({ code: 'ERR_JWT_EXPIRED' });
    await expect(verifySkipping(token, 'time')).resolves.toMatchObject({ payload: { scope: 'read' } });
  });

  test('notYetValid: properly signed, nbf 10 minutes ahead', async () => {
    const token = await issuer.badTokens.notYetValid();
    const nbf = segment(token, 1).nbf as number;
    expect(nbf - now()).toBeGreaterThanOrEqual(598);
    expect(nbf - now()).toBeLessThanOrEqual(600);
    await expect(verifyAgainstServedJwks(issuer, token)).rejects.toMatchObject({ claim: 'nbf' });
  });

  test('wrongAudience: signed by the issuer for another API', async () => {
    const token = await issuer.badTokens.wrongAudience();
    expect(segment(token, 1).aud).not.toEqual(issuer.options.audience);
    await expect(verifyAgainstServedJwks(issuer, token)).rejects.toMatchObject({ claim: 'aud' });
    await expect(verifySkipping(token, 'aud')).resolves.toBeDefined();
  });

  test('wrongIssuer: signed by a published key, iss names someone else', async () => {
    const token = await issuer.badTokens.wrongIssuer();
    expect(segment(token, 1).iss).not.toBe(issuer.url);
    await expect(verifyAgainstServedJwks(issuer, token)).rejects.toMatchObject({ claim: 'iss' });
    await expect(verifySkipping(token, 'iss')).resolves.toBeDefined();
  });

  test('unsigned: alg none, the real kid, an empty signature', async () => {
    const token = await issuer.badTokens.unsigned({ scope: 'admin' });
    expect(token.endsWith('.')).toBe(true);
    expect(token.split('.')).toHaveLength(3);
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'none', kid: issuer.currentKid });
    expect(segment(token, 1)).toMatchObject({ iss: issuer.url, scope: 'admin' });
    await expect(verifyAgainstServedJwks(issuer, token)).rejects.toThrow();
  });

  test('unknownKey: same algorithm, a kid that is not in the JWKS', async () => {
    const token = await issuer.badTokens.unknownKey();
    const header = decodeProtectedHeader(token);
    expect(header.alg).toBe('RS256');
    expect(issuer.jwks().keys.map((key) => key.kid)).not.toContain(header.kid);
    await expect(verifyAgainstServedJwks(issuer, token)).rejects.toMatchObject({ code: 'ERR_JWKS_NO_MATCHING_KEY' });
    // Relabelled with the real kid, the stranger's signature still does not verify.
    const [, payload, signature] = token.split('.');
    const relabelled = [Buffer.from(JSON.stringify({ ...header, kid: issuer.currentKid })).toString('base64url'), payload, signature].join('.');
    await expect(verifyAgainstServedJwks(issuer, relabelled)).rejects.toMatchObject({
      code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
    });
  });

  test('tampered: scope widened after signing, header and signature kept', async () => {
    const token = await issuer.badTokens.tampered({ scope: 'read' });
    expect(segment(token, 1).scope).toBe('read admin');
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'RS256', kid: issuer.currentKid });
    await expect(verifyAgainstServedJwks(issuer, token)).rejects.toMatchObject({
      code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
    });
    expect(segment(await issuer.badTokens.tampered(), 1).scope).toBe('admin');
  });

  test('keyConfusion: HS256 keyed with the served RSA public key as SPKI PEM, real kid', async () => {
    const token = await issuer.badTokens.keyConfusion();
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'HS256', typ: 'at+jwt', kid: issuer.currentKid });
    // Recompute the HMAC from what an attacker can download: the served JWK.
    const served = ((await (await fetch(issuer.jwksUri)).json()) as { keys: JWK[] }).keys[0]!;
    const pem = await exportSPKI((await importJWK(served, 'RS256', { extractable: true })) as CryptoKey);
    const [header, payload, signature] = token.split('.');
    expect(signature).toBe(createHmac('sha256', pem).update(`${header}.${payload}`).digest('base64url'));
    await expect(verifyAgainstServedJwks(issuer, token, ['RS256'])).rejects.toThrow();
  });

  test.each<keyof BadTokens>(['expired', 'notYetValid', 'wrongAudience', 'wrongIssuer'])(
    '%s: claim overrides apply, the defect survives them',
    async (preset) => {
      const token = await issuer.badTokens[preset]({
        sub: 'mallory',
        exp: now() + 3600,
        nbf: now() - 60,
        aud: issuer.options.audience,
        iss: issuer.url,
      });
      expect(segment(token, 1).sub).toBe('mallory');
      await expect(verifyAgainstServedJwks(issuer, token)).rejects.toThrow();
    },
  );
});

describe('badTokens with other key types', () => {
  test('an ES256-only issuer: unknownKey uses ES256, keyConfusion falls back to the EC public key', async () => {
    await using issuer = await createTestIssuer({ algorithms: ['ES256'] });
    expect(decodeProtectedHeader(await issuer.badTokens.unknownKey()).alg).toBe('ES256');
    const confused = await issuer.badTokens.keyConfusion();
    expect(decodeProtectedHeader(confused)).toMatchObject({ alg: 'HS256', kid: issuer.currentKid });
    await expect(verifyAgainstServedJwks(issuer, confused)).rejects.toThrow();
  });
});
