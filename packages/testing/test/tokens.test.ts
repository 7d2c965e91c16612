import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { createTestIssuer, SUPPORTED_ALGS, type TestIssuer } from '../src/index.js';
import { segment, verifyAgainstServedJwks } from './helpers.js';

const now = (): number => Math.floor(Date.now() / 1000);

describe('sign()', () => {
  let issuer: TestIssuer;
  beforeAll(async () => {
    issuer = await createTestIssuer();
  });
  afterAll(() => issuer.close());

  test('defaults: iss, aud, sub, iat, exp in 5 minutes, random jti; typ at+jwt and the key kid', async () => {
    const before = now();
    const token = await issuer.sign();
    const { payload, protectedHeader } = await verifyAgainstServedJwks(issuer, token);
    expect(payload).toMatchObject({ iss: issuer.url, aud: 'https://api.example.test', sub: 'test-user' });
    expect(payload.iat).toBeGreaterThanOrEqual(before);
    expect(payload.iat).toBeLessThanOrEqual(now());
    expect(payload.exp! - payload.iat!).toBe(300);
    expect(payload.jti).toMatch(/^[0-9a-f-]{36}$/);
    expect(payload).not.toHaveProperty('nbf');
    expect(protectedHeader).toEqual({ alg: 'RS256', typ: 'at+jwt', kid: issuer.currentKid });
    const other = segment(await issuer.sign(), 1);
    expect(other.jti).not.toBe(payload.jti);
  });

  test('claims override defaults; scope given as a list is joined with spaces', async () => {
    const token = await issuer.sign({ sub: 'alice', scope: ['read:orders', 'write:orders'], tenant: 't1' });
    const { payload } = await verifyAgainstServedJwks(issuer, token);
    expect(payload).toMatchObject({ sub: 'alice', scope: 'read:orders write:orders', tenant: 't1' });
    expect(segment(await issuer.sign({ scope: 'a b' }), 1).scope).toBe('a b');
  });

  test('a claim passed as undefined is left out (e.g. a token without exp)', async () => {
    const payload = segment(await issuer.sign({ exp: undefined, sub: undefined }), 1);
    expect(payload).not.toHaveProperty('exp');
    expect(payload).not.toHaveProperty('sub');
    expect(payload.iss).toBe(issuer.url);
  });

  test.each([
    [60, 60],
    ['5m', 300],
    ['2 hours', 7200],
    ['1d', 86_400],
    [-30, -30],
    ['-1m', -60],
    ['1 minute ago', -60],
  ])('expiresIn %p sets exp = iat + %p', async (expiresIn, seconds) => {
    const payload = segment(await issuer.sign({}, { expiresIn }), 1);
    expect((payload.exp as number) - (payload.iat as number)).toBe(seconds);
  });

  test('notBefore and issuedAt set nbf and iat', async () => {
    const iat = now() - 100;
    const payload = segment(await issuer.sign({}, { issuedAt: iat, notBefore: '10m', expiresIn: '1h' }), 1);
    expect(payload).toMatchObject({ iat, nbf: iat + 600, exp: iat + 3600 });
    await expect(verifyAgainstServedJwks(issuer, await issuer.sign({}, { notBefore: '10m' }))).rejects.toMatchObject({
      code: 'ERR_JWT_CLAIM_VALIDATION_FAILED',
      claim: 'nbf',
    });
  });

  test.each([['5 fortnights'], ['soon'], ['1h from now ago'], ['+1h ago']])('rejects the time span %p', async (span) => {
    await expect(issuer.sign({}, { expiresIn: span })).rejects.toThrow(/expiresIn/);
  });

  test('typ and header overrides reach the protected header; alg cannot be overridden there', async () => {
    const token = await issuer.sign({}, { typ: 'JWT', header: { cty: 'x', alg: 'none', kid: 'overridden' } });
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'RS256', typ: 'JWT', cty: 'x', kid: 'overridden' });
    expect(decodeProtectedHeader(await issuer.sign({}, { header: { typ: undefined } }))).not.toHaveProperty('typ');
  });

  test('kid: a published kid picks that key; an unknown one keeps the default key and is not in the JWKS', async () => {
    const known = await issuer.sign({}, { kid: issuer.currentKid });
    await expect(verifyAgainstServedJwks(issuer, known)).resolves.toBeDefined();
    const unknown = await issuer.sign({}, { kid: 'no-such-kid' });
    expect(decodeProtectedHeader(unknown).kid).toBe('no-such-kid');
    await expect(verifyAgainstServedJwks(issuer, unknown)).rejects.toMatchObject({ code: 'ERR_JWKS_NO_MATCHING_KEY' });
  });

  test('alg: HS256 signs with the issuer secret; an alg without a key is a TypeError', async () => {
    const token = await issuer.sign({ scope: 'x' }, { alg: 'HS256' });
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'HS256', typ: 'at+jwt' });
    const { payload } = await jwtVerify(token, issuer.secret, { issuer: issuer.url, algorithms: ['HS256'] });
    expect(payload.scope).toBe('x');
    await expect(issuer.sign({}, { alg: 'ES256' })).rejects.toThrow(/no ES256 key/);
    await expect(issuer.sign({}, { alg: 'ES256', kid: issuer.currentKid })).rejects.toThrow(TypeError);
  });

  test('a configured secret is used for HS256', async () => {
    await using hs = await createTestIssuer({ secret: 'a-shared-secret-of-at-least-32-bytes!' });
    const token = await hs.sign({}, { alg: 'HS256' });
    const secret = new TextEncoder().encode('a-shared-secret-of-at-least-32-bytes!');
    await expect(jwtVerify(token, secret, { algorithms: ['HS256'] })).resolves.toBeDefined();
  });
});

describe('every algorithm', () => {
  test.each(SUPPORTED_ALGS.map((alg) => [alg]))('%s: published key verifies a minted token', async (alg) => {
    await using issuer = await createTestIssuer({ algorithms: [alg] });
    const token = await issuer.sign({ scope: 'read' });
    expect(decodeProtectedHeader(token).alg).toBe(alg);
    const { payload, protectedHeader } = await verifyAgainstServedJwks(issuer, token, [alg]);
    expect(payload.scope).toBe('read');
    expect(protectedHeader.kid).toBe(issuer.currentKid);
    const jwks = issuer.jwks();
    expect(jwks.keys).toEqual([expect.objectContaining({ alg, use: 'sig', kid: issuer.currentKid })]);
  });

  test('one issuer with every algorithm: one key each, sign({}, { alg }) picks the matching key', async () => {
    await using issuer = await createTestIssuer({ algorithms: [...SUPPORTED_ALGS] });
    const served = (await (await fetch(issuer.jwksUri)).json()) as { keys: Array<{ alg: string; kid: string }> };
    expect(served.keys.map((key) => key.alg)).toEqual([...SUPPORTED_ALGS]);
    expect(new Set(served.keys.map((key) => key.kid)).size).toBe(SUPPORTED_ALGS.length);
    const jwks = createLocalJWKSet(served);
    for (const alg of SUPPORTED_ALGS) {
      const token = await issuer.sign({}, { alg });
      const { protectedHeader } = await jwtVerify(token, jwks, { issuer: issuer.url, algorithms: [alg] });
      expect(protectedHeader.kid).toBe(served.keys.find((key) => key.alg === alg)?.kid);
    }
    // The first algorithm signs by default.
    expect(decodeProtectedHeader(await issuer.sign()).alg).toBe(SUPPORTED_ALGS[0]);
  });
});
