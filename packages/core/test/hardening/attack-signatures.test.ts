/**
 * Signature attacks: missing, stripped, truncated, spliced and bit-flipped signatures; the blank or
 * short HMAC secret; ECDSA "psychic signatures" (CVE-2022-21449: r = s = 0) and other out-of-range
 * r, s; wrong lengths and DER instead of the JWS r || s form (RFC 7518 §3.4); RSA PKCS#1 v1.5
 * padding tampering (RFC 8017 §9.2, Bleichenbacher 2006 style) and PSS salt-length changes
 * (RFC 7518 §3.5 fixes the salt length to the hash length).
 */
import { constants, createHash, createHmac, createSecretKey, sign, type KeyObject } from 'node:crypto';
import { createTestIssuer, type TestIssuer } from '@portcullis/testing';
import { createAuthenticator, type Authenticator } from '@portcullis/core';
import {
  DIGEST_INFO, answer, b64u, bearer, claimsFor, createRawSigner, expectInvalidToken, pkcs1Encode, rsaRaw, sha256, type RawSigner,
} from './support.js';

const P256_N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

const issuers: TestIssuer[] = [];
async function newIssuer(...args: Parameters<typeof createTestIssuer>): Promise<TestIssuer> {
  const issuer = await createTestIssuer(...args);
  issuers.push(issuer);
  return issuer;
}
afterAll(() => Promise.all(issuers.map((issuer) => issuer.close())));

function int32(value: bigint): Buffer {
  return Buffer.from(value.toString(16).padStart(64, '0'), 'hex');
}

function derInteger(bytes: Buffer): Buffer {
  let body = bytes;
  while (body.length > 1 && body[0] === 0 && body[1]! < 0x80) body = body.subarray(1);
  if (body[0]! >= 0x80) body = Buffer.concat([Buffer.from([0]), body]);
  return Buffer.concat([Buffer.from([0x02, body.length]), body]);
}

function toDer(raw: Buffer): Buffer {
  const body = Buffer.concat([derInteger(raw.subarray(0, 32)), derInteger(raw.subarray(32))]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}

function withSignature(token: string, signature: Buffer | string): string {
  const [h, p] = token.split('.');
  return `${h}.${p}.${typeof signature === 'string' ? signature : signature.toString('base64url')}`;
}

describe('missing, stripped, truncated and bit-flipped RS256 signatures', () => {
  let issuer: TestIssuer;
  let authenticate: Authenticator;
  let token: string;
  let signature: Buffer;

  beforeAll(async () => {
    issuer = await newIssuer();
    authenticate = createAuthenticator({ ...issuer.options, tokenCache: false });
    token = await issuer.sign({ scope: 'read' });
    signature = Buffer.from(token.split('.')[2]!, 'base64url');
    await expect(authenticate(bearer(token))).resolves.toMatchObject({ type: 'jwt' });
  });

  it.each([
    ['stripped (empty third segment)', (t: string) => withSignature(t, '')],
    ['stripped with its separator (two segments)', (t: string) => t.split('.').slice(0, 2).join('.')],
    ['an extra empty segment', (t: string) => `${withSignature(t, '')}.`],
    ['"null" as the signature', (t: string) => withSignature(t, b64u('null'))],
    ['all-zero bytes of the right length', (t: string) => withSignature(t, Buffer.alloc(256))],
    ['a single zero byte', (t: string) => withSignature(t, 'AA')],
    ['truncated to 255 bytes', (t: string) => withSignature(t, signature.subarray(0, 255))],
    ['truncated to half', (t: string) => withSignature(t, signature.subarray(0, 128))],
    ['truncated by one character of text', (t: string) => t.slice(0, -1)],
    ['truncated by two characters of text', (t: string) => t.slice(0, -2)],
    ['a leading zero byte added', (t: string) => withSignature(t, Buffer.concat([Buffer.alloc(1), signature]))],
    ['doubled', (t: string) => withSignature(t, Buffer.concat([signature, signature]))],
  ])('%s is 401', async (_name, mutate) => {
    expectInvalidToken(await answer(authenticate, bearer(mutate(token))));
  });

  it('every single-bit flip across the 256 signature bytes is 401', async () => {
    const statuses = new Set<number>();
    for (let i = 0; i < signature.length; i++) {
      const flipped = Buffer.from(signature);
      flipped[i]! ^= 1 << (i % 8);
      const result = await answer(authenticate, bearer(withSignature(token, flipped)));
      expectInvalidToken(result);
      statuses.add(result.status);
    }
    expect([...statuses]).toEqual([401]);
  });

  it('a genuine signature spliced from another token is 401', async () => {
    const other = await issuer.sign({ scope: 'read' });
    const spliced = withSignature(token, other.split('.')[2]!);
    expect(spliced).not.toBe(token);
    expectInvalidToken(await answer(authenticate, bearer(spliced)));
  });
});

describe('blank and short HMAC secrets', () => {
  let issuer: TestIssuer;

  beforeAll(async () => {
    issuer = await newIssuer();
  });

  it.each([
    ['an empty string', ''],
    ['an empty Uint8Array', new Uint8Array(0)],
    ['31 bytes', new Uint8Array(31)],
    ['31 ASCII characters', 'x'.repeat(31)],
    ['a 16-byte secret KeyObject', createSecretKey(Buffer.alloc(16, 1))],
    ['null', null],
    ['a number', 12345678901234567890],
  ])('a secret of %s throws a TypeError at construction', (_name, secret) => {
    expect(() => createAuthenticator({ issuer: issuer.url, audience: issuer.options.audience, secret: secret as never })).toThrow(TypeError);
  });

  it('HS256 signed with an empty key is 401 for an HMAC and for an asymmetric configuration', async () => {
    const input = `${b64u({ alg: 'HS256', typ: 'at+jwt' })}.${b64u(claimsFor(issuer.url, issuer.options.audience))}`;
    const forged = `${input}.${createHmac('sha256', Buffer.alloc(0)).update(input).digest('base64url')}`;
    const hmac = createAuthenticator({ issuer: issuer.url, audience: issuer.options.audience, secret: issuer.secret });
    expectInvalidToken(await answer(hmac, bearer(forged)));
    expectInvalidToken(await answer(createAuthenticator(issuer.options), bearer(forged)));
  });

  it('HS256 signed with 32 zero bytes is 401 against a random 32-byte secret', async () => {
    const input = `${b64u({ alg: 'HS256' })}.${b64u(claimsFor(issuer.url, issuer.options.audience))}`;
    const forged = `${input}.${createHmac('sha256', Buffer.alloc(32)).update(input).digest('base64url')}`;
    const hmac = createAuthenticator({ issuer: issuer.url, audience: issuer.options.audience, secret: issuer.secret });
    expectInvalidToken(await answer(hmac, bearer(forged)));
  });
});

describe('ES256: psychic signatures, out-of-range r and s, wrong lengths, DER', () => {
  let issuer: TestIssuer;
  let authenticate: Authenticator;
  let token: string;

  beforeAll(async () => {
    issuer = await newIssuer({ algorithms: ['ES256'] });
    authenticate = createAuthenticator({ ...issuer.options, tokenCache: false });
    token = await issuer.sign({ scope: 'admin' });
    await expect(authenticate(bearer(token))).resolves.toMatchObject({ type: 'jwt' });
  });

  it('r = s = 0 in raw form (CVE-2022-21449) is 401', async () => {
    expectInvalidToken(await answer(authenticate, bearer(withSignature(token, Buffer.alloc(64)))));
  });

  it('r = s = 0 in DER form is 401', async () => {
    expectInvalidToken(await answer(authenticate, bearer(withSignature(token, Buffer.from('3006020100020100', 'hex')))));
  });

  const special: Array<[string, bigint]> = [['0', 0n], ['1', 1n], ['n-1', P256_N - 1n], ['n', P256_N]];
  it.each(special.flatMap(([rName, r]) => special.map(([sName, s]) => [`r=${rName}, s=${sName}`, r, s] as const)))(
    '%s is 401', async (_name, r, s) => {
      expectInvalidToken(await answer(authenticate, bearer(withSignature(token, Buffer.concat([int32(r), int32(s)])))));
    },
  );

  it.each([0, 1, 32, 63, 65, 70, 72, 128])('a %i-byte signature is 401', async (length) => {
    const real = Buffer.from(token.split('.')[2]!, 'base64url');
    const sized = Buffer.alloc(length);
    real.copy(sized, 0, 0, Math.min(length, 64));
    expectInvalidToken(await answer(authenticate, bearer(withSignature(token, sized))));
  });

  it('the genuine signature re-encoded as DER (not r || s) is 401', async () => {
    const real = Buffer.from(token.split('.')[2]!, 'base64url');
    expectInvalidToken(await answer(authenticate, bearer(withSignature(token, toDer(real)))));
  });

  it('documents: the malleated (r, n - s) twin verifies, over the very same signed claims (no escalation)', async () => {
    // ECDSA signatures are malleable and JWS does not require low-s; the twin signs the same bytes.
    const real = Buffer.from(token.split('.')[2]!, 'base64url');
    const s = BigInt(`0x${real.subarray(32).toString('hex')}`);
    const twin = withSignature(token, Buffer.concat([real.subarray(0, 32), int32(P256_N - s)]));
    const original = await authenticate(bearer(token));
    const result = await answer(authenticate, bearer(twin));
    expect(result.status).toBe(200);
    expect(result.auth?.claims).toEqual(original.claims);
    expect(result.auth?.scopes).toEqual(original.scopes);
  });
});

describe('RSA padding tampering (RS256 / PS256 with our own published keys)', () => {
  let forge: TestIssuer;
  let rs: RawSigner;
  let ps: RawSigner;
  let authenticate: Authenticator;
  let input: string;

  const signed = (encoded: Buffer, key: KeyObject = rs.privateKey): string => `${input}.${rsaRaw(key, encoded).toString('base64url')}`;

  beforeAll(async () => {
    forge = await newIssuer();
    rs = createRawSigner('RS256', 'rs-key');
    ps = createRawSigner('PS256', 'ps-key');
    forge.setJwks({ keys: [rs.jwk, ps.jwk] });
    authenticate = createAuthenticator({ ...forge.options, tokenCache: false });
    input = `${b64u({ alg: 'RS256', kid: rs.kid })}.${b64u(claimsFor(forge.url, forge.options.audience, { scope: 'admin' }))}`;
  });

  const info = (hash: Buffer, prefix = DIGEST_INFO.sha256): Buffer => Buffer.concat([prefix, hash]);

  it('control: a correctly padded signature made by hand is accepted', async () => {
    const result = await answer(authenticate, bearer(signed(pkcs1Encode(256, info(sha256(input))))));
    expect(result.status).toBe(200);
  });

  it.each([
    ['a SHA-1 DigestInfo', () => pkcs1Encode(256, info(createHash('sha1').update(input).digest(), DIGEST_INFO.sha1))],
    ['the hash of other bytes', () => pkcs1Encode(256, info(sha256(`${input}x`)))],
    ['block type 02 instead of 01', () => pkcs1Encode(256, info(sha256(input)), 0x02)],
    ['padding bytes FE instead of FF', () => pkcs1Encode(256, info(sha256(input)), 0x01, 0xfe)],
    ['a zero byte inside the padding', () => {
      const em = pkcs1Encode(256, info(sha256(input)));
      em[20] = 0;
      return em;
    }],
    ['garbage after the hash (Bleichenbacher 2006)', () => {
      const body = Buffer.concat([info(sha256(input)), Buffer.alloc(16, 0xab)]);
      return pkcs1Encode(256, body);
    }],
    ['only 7 bytes of padding, garbage at the end', () => {
      const body = info(sha256(input));
      const em = Buffer.alloc(256, 0x5a);
      Buffer.concat([Buffer.from([0, 1]), Buffer.alloc(7, 0xff), Buffer.from([0]), body]).copy(em);
      return em;
    }],
    ['no zero separator before the DigestInfo', () => {
      const em = pkcs1Encode(256, info(sha256(input)));
      em[256 - 52] = 0xff;
      return em;
    }],
    ['a DigestInfo whose NULL parameters became OCTET STRING', () => {
      const prefix = Buffer.from(DIGEST_INFO.sha256);
      prefix[15] = 0x04;
      return pkcs1Encode(256, info(sha256(input), prefix));
    }],
    ['a leading 01 byte instead of 00', () => {
      const em = pkcs1Encode(256, info(sha256(input)));
      em[0] = 0x01;
      em[1] = 0x00;
      return em;
    }],
  ])('%s is 401', async (_name, encode) => {
    expectInvalidToken(await answer(authenticate, bearer(signed(encode()))));
  });

  it.each([
    ['0', Buffer.alloc(256)],
    ['1', Buffer.concat([Buffer.alloc(255), Buffer.from([1])])],
    ['n - 1', () => modulusPlus(-1n)],
    ['n', () => modulusPlus(0n)],
    ['n + 1', () => modulusPlus(1n)],
    ['2^2048 - 1', Buffer.alloc(256, 0xff)],
  ])('a signature value of %s is 401', async (_name, value) => {
    const bytes = typeof value === 'function' ? value() : value;
    expectInvalidToken(await answer(authenticate, bearer(`${input}.${bytes.toString('base64url')}`)));
  });

  function modulusPlus(delta: bigint): Buffer {
    const n = BigInt(`0x${Buffer.from(rs.jwk.n!, 'base64url').toString('hex')}`);
    return Buffer.from((n + delta).toString(16).padStart(512, '0'), 'hex');
  }

  it.each([
    ['0', 0],
    ['20 (SHA-1 length)', 20],
    ['the maximum', constants.RSA_PSS_SALTLEN_MAX_SIGN],
  ])('PS256 with salt length %s is 401 (RFC 7518 §3.5 fixes it to 32)', async (_name, saltLength) => {
    const psInput = `${b64u({ alg: 'PS256', kid: ps.kid })}.${b64u(claimsFor(forge.url, forge.options.audience))}`;
    const good = sign('sha256', Buffer.from(psInput), { key: ps.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });
    await expect(authenticate(bearer(`${psInput}.${good.toString('base64url')}`))).resolves.toMatchObject({ type: 'jwt' });
    const bad = sign('sha256', Buffer.from(psInput), { key: ps.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength });
    expectInvalidToken(await answer(authenticate, bearer(`${psInput}.${bad.toString('base64url')}`)));
  });

  it('a PKCS#1 v1.5 signature presented as PS256, and a PSS one presented as RS256, are 401', async () => {
    const claims = b64u(claimsFor(forge.url, forge.options.audience));
    const asPs = `${b64u({ alg: 'PS256', kid: rs.kid })}.${claims}`;
    expectInvalidToken(await answer(authenticate, bearer(`${asPs}.${sign('sha256', Buffer.from(asPs), { key: rs.privateKey, padding: constants.RSA_PKCS1_PADDING }).toString('base64url')}`)));
    const asRs = `${b64u({ alg: 'RS256', kid: ps.kid })}.${claims}`;
    expectInvalidToken(await answer(authenticate, bearer(`${asRs}.${sign('sha256', Buffer.from(asRs), { key: ps.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }).toString('base64url')}`)));
  });
});
