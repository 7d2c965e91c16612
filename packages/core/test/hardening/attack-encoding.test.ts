/**
 * Encoding attacks: segments that are not UTF-8 or carry a byte-order mark (RFC 8259 §8.1 lets a
 * parser refuse a BOM; portcullis does), and base64url that is not canonical (RFC 7515 §2 and §5.2:
 * no padding, no other characters; unused trailing bits set give a second spelling of the same
 * bytes). A second spelling is a second token for the same signature — caches, replay lists and
 * logs keyed by token text would disagree — so every one is refused, even when the signature holds.
 */
import { createTestIssuer, type TestIssuer } from '@portcullis/testing';
import { createAuthenticator, type Authenticator } from '@portcullis/core';
import { answer, bearer, claimsFor, createRawSigner, expectInvalidRequest, expectInvalidToken, type RawSigner } from './support.js';

let forge: TestIssuer;
let signer: RawSigner;
let authenticate: Authenticator;
let header: Buffer;
let claims: Buffer;

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

beforeAll(async () => {
  forge = await createTestIssuer();
  signer = createRawSigner('ES256', 'encoding-key');
  forge.setJwks({ keys: [signer.jwk] });
  authenticate = createAuthenticator({ ...forge.options, tokenCache: false });
  header = Buffer.from(JSON.stringify({ alg: 'ES256', kid: signer.kid }));
  claims = Buffer.from(JSON.stringify(claimsFor(forge.url, forge.options.audience, { scope: 'read' })));
});
afterAll(() => forge.close());

/** Inserts raw bytes inside the `sub` string of the claims. */
function claimsWithBytes(bytes: number[]): Buffer {
  const text = claims.toString('latin1').replace('"forged-user"', '"forged-user\u0001"');
  const at = text.indexOf('\u0001');
  return Buffer.concat([Buffer.from(text.slice(0, at), 'latin1'), Buffer.from(bytes), Buffer.from(text.slice(at + 1), 'latin1')]);
}

describe('UTF-8 and byte-order marks', () => {
  it('control: the plain token is accepted', async () => {
    expect((await answer(authenticate, bearer(signer.sign(header, claims)))).status).toBe(200);
  });

  it.each([
    ['a lone 0xFF in the payload', () => [header, claimsWithBytes([0xff])]],
    ['a truncated two-byte sequence', () => [header, claimsWithBytes([0xc3, 0x28])]],
    ['an overlong "/" (C0 AF)', () => [header, claimsWithBytes([0xc0, 0xaf])]],
    ['a UTF-8-encoded lone surrogate (ED A0 80)', () => [header, claimsWithBytes([0xed, 0xa0, 0x80])]],
    ['a code point above U+10FFFF (F4 90 80 80)', () => [header, claimsWithBytes([0xf4, 0x90, 0x80, 0x80])]],
    ['Latin-1 text in the header', () => [Buffer.from('{"alg":"ES256","kid":"encoding-key","x":"caf\xe9"}', 'latin1'), claims]],
    ['a BOM before the payload', () => [header, Buffer.concat([BOM, claims])]],
    ['a BOM before the header', () => [Buffer.concat([BOM, header]), claims]],
    ['a UTF-16LE payload with BOM', () => [header, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(claims.toString(), 'utf16le')])]],
    ['a UTF-16LE payload without BOM', () => [header, Buffer.from(claims.toString(), 'utf16le')]],
  ])('%s, validly signed, is 401', async (_name, parts) => {
    const [h, p] = parts() as [Buffer, Buffer];
    expect(expectInvalidToken(await answer(authenticate, bearer(signer.sign(h, p))))).toMatch(/^malformed token/);
  });
});

describe('non-canonical base64url', () => {
  let token = '';
  let segments: [string, string, string];

  /** JSON whose length is not a multiple of 3, so its base64url form has spare trailing bits. */
  function withSpareBits(value: Record<string, unknown>): Buffer {
    for (let pad = ''; ; pad += 'x') {
      const text = Buffer.from(JSON.stringify(pad === '' ? value : { ...value, pad }));
      if (text.length % 3 !== 0) return text;
    }
  }

  beforeAll(() => {
    // ECDSA signatures are random: sign until the token holds a "-" or "_" (about 1 in 15 holds
    // neither), so the "+"/"/" re-spelling below always changes it. Bounded: 50 tries.
    for (let tries = 0; tries < 50 && !/[-_]/.test(token ?? ''); tries++) {
      token = signer.sign(withSpareBits({ alg: 'ES256', kid: signer.kid }), withSpareBits(JSON.parse(claims.toString()) as Record<string, unknown>));
    }
    segments = token.split('.') as [string, string, string];
  });

  it('control: the token with spare bits in every segment is accepted', async () => {
    expect(segments.map((segment) => segment.length % 4 === 0)).toEqual([false, false, false]);
    expect((await answer(authenticate, bearer(token))).status).toBe(200);
  });

  /** Changes the unused low bits of a segment's last character: same bytes, different text. */
  function alterTrailingBits(segment: string): string {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const unused = segment.length % 4 === 2 ? 4 : segment.length % 4 === 3 ? 2 : 0;
    if (unused === 0) throw new Error('segment has no unused bits');
    const last = alphabet.indexOf(segment.at(-1)!);
    const altered = `${segment.slice(0, -1)}${alphabet[last ^ 1]}`;
    expect(Buffer.from(altered, 'base64url')).toEqual(Buffer.from(segment, 'base64url'));
    return altered;
  }

  function withSegment(index: number, value: string): string {
    const copy = [...segments];
    copy[index] = value;
    return copy.join('.');
  }

  it('the signature segment of ES256 has 4 unused bits; altering them keeps the decoded bytes', () => {
    expect(segments[2].length % 4).toBe(2);
    expect(alterTrailingBits(segments[2])).not.toBe(segments[2]);
  });

  it('altered trailing bits in the signature segment are 401 (jose accepts this second spelling)', async () => {
    expect(expectInvalidToken(await answer(authenticate, bearer(withSegment(2, alterTrailingBits(segments[2])))))).toMatch(/canonical/);
  });

  it.each([0, 1])('altered trailing bits in segment %i are 401', async (index) => {
    expectInvalidToken(await answer(authenticate, bearer(withSegment(index, alterTrailingBits(segments[index]!)))));
  });

  it.each([
    ['"=" padding on the signature (end of token)', () => `${token}${'='.repeat((4 - (segments[2].length % 4)) % 4)}`],
    ['"+" and "/" instead of "-" and "_"', () => token.replace(/-/g, '+').replace(/_/g, '/')],
  ])('%s is 401', async (_name, build) => {
    const text = build();
    expect(text).not.toBe(token);
    expectInvalidToken(await answer(authenticate, bearer(text)));
  });

  it.each([
    ['"=" padding inside the token (header)', () => `${segments[0]}${'='.repeat((4 - (segments[0].length % 4)) % 4) || '='}.${segments[1]}.${segments[2]}`],
    ['a line break in the token', () => `${segments[0]}.${segments[1]}\n.${segments[2]}`],
    ['a percent-encoded dot', () => token.replace('.', '%2E')],
    ['non-ASCII look-alike characters', () => token.replace('.', '\u2024')],
  ])('%s is 400 at extraction (not an RFC 6750 b64token)', async (_name, build) => {
    expectInvalidRequest(await answer(authenticate, bearer(build())));
  });

  it.each([
    ['a segment of length 4n+1', () => withSegment(2, `${segments[2]}A`)],
    ['an empty header segment', () => withSegment(0, '')],
    ['an empty payload segment', () => withSegment(1, '')],
  ])('%s is 401', async (_name, build) => {
    expectInvalidToken(await answer(authenticate, bearer(build())));
  });
});
