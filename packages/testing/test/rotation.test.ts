import { decodeProtectedHeader } from 'jose';
import { createTestIssuer } from '../src/index.js';
import { verifyAgainstServedJwks } from './helpers.js';

const servedKids = async (jwksUri: string): Promise<string[]> =>
  ((await (await fetch(jwksUri)).json()) as { keys: Array<{ kid: string }> }).keys.map((key) => key.kid);

describe('rotate()', () => {
  test('keepOld defaults to true: a new kid signs, both keys are served, old tokens still verify', async () => {
    await using issuer = await createTestIssuer();
    const oldKid = issuer.currentKid;
    const oldToken = await issuer.sign();
    const { kid } = await issuer.rotate();
    expect(kid).not.toBe(oldKid);
    expect(issuer.currentKid).toBe(kid);
    expect(await servedKids(issuer.jwksUri)).toEqual([oldKid, kid]);
    const newToken = await issuer.sign();
    expect(decodeProtectedHeader(newToken).kid).toBe(kid);
    await expect(verifyAgainstServedJwks(issuer, newToken)).resolves.toBeDefined();
    await expect(verifyAgainstServedJwks(issuer, oldToken)).resolves.toBeDefined();
    // The kept key can still sign on request.
    expect(decodeProtectedHeader(await issuer.sign({}, { kid: oldKid })).kid).toBe(oldKid);
  });

  test('keepOld: false drops the replaced key: old tokens stop verifying', async () => {
    await using issuer = await createTestIssuer();
    const oldKid = issuer.currentKid;
    const oldToken = await issuer.sign();
    const { kid } = await issuer.rotate({ keepOld: false });
    expect(await servedKids(issuer.jwksUri)).toEqual([kid]);
    await expect(verifyAgainstServedJwks(issuer, oldToken)).rejects.toMatchObject({ code: 'ERR_JWKS_NO_MATCHING_KEY' });
    await expect(verifyAgainstServedJwks(issuer, await issuer.sign())).resolves.toBeDefined();
    // A dropped kid is no longer a published key: it only labels a token signed by the current key.
    const relabelled = await issuer.sign({}, { kid: oldKid });
    await expect(verifyAgainstServedJwks(issuer, relabelled)).rejects.toMatchObject({ code: 'ERR_JWKS_NO_MATCHING_KEY' });
  });

  test('alg: rotating to another algorithm publishes and signs with a key of that algorithm', async () => {
    await using issuer = await createTestIssuer();
    const { kid } = await issuer.rotate({ alg: 'ES256', keepOld: false });
    const served = (await (await fetch(issuer.jwksUri)).json()) as { keys: Array<{ kid: string; alg: string; kty: string }> };
    expect(served.keys).toEqual([expect.objectContaining({ kid, alg: 'ES256', kty: 'EC' })]);
    const token = await issuer.sign();
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'ES256', kid });
    await expect(verifyAgainstServedJwks(issuer, token)).resolves.toBeDefined();
  });

  test('only the default key is replaced in a multi-algorithm issuer', async () => {
    await using issuer = await createTestIssuer({ algorithms: ['RS256', 'ES256'] });
    const [rsKid, esKid] = await servedKids(issuer.jwksUri);
    const { kid } = await issuer.rotate({ keepOld: false });
    expect(await servedKids(issuer.jwksUri)).toEqual([esKid, kid]);
    expect(kid).not.toBe(rsKid);
    expect(decodeProtectedHeader(await issuer.sign({}, { alg: 'ES256' })).kid).toBe(esKid);
  });

  test('repeated rotations keep producing distinct kids; an unsupported alg is refused', async () => {
    await using issuer = await createTestIssuer({ algorithms: ['EdDSA'] });
    const kids = [issuer.currentKid];
    for (let i = 0; i < 3; i += 1) kids.push((await issuer.rotate()).kid);
    expect(new Set(kids).size).toBe(4);
    expect(await servedKids(issuer.jwksUri)).toEqual(kids);
    await expect(issuer.rotate({ alg: 'HS256' as never })).rejects.toThrow(TypeError);
  });
});
