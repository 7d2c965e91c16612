/**
 * Attacks through the JOSE header: embedded `jwk`, `jku`, `x5u`, `x5c` (RFC 7515 §4.1.2–4.1.6 —
 * never followed or trusted: RFC 8725 §3.10), hostile `kid` values, unknown `crit` (RFC 7515
 * §4.1.11), duplicate member names, JWE (5 segments, huge PBES2 `p2c`, `zip`) and the JWS JSON
 * serialization in place of a compact token.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestIssuer, type TestIssuer } from '@portcullis/testing';
import { createAuthenticator, type Authenticator } from '@portcullis/core';
import { answer, b64u, bearer, claimsFor, createRawSigner, expectInvalidRequest, expectInvalidToken, type RawSigner } from './support.js';

let issuer: TestIssuer;
let forge: TestIssuer;
let attacker: RawSigner;
let published: RawSigner;
let trap: Server;
let trapUrl: string;
let trapRequests = 0;

beforeAll(async () => {
  issuer = await createTestIssuer({ algorithms: ['ES256'] });
  forge = await createTestIssuer();
  attacker = createRawSigner('ES256', 'attacker-key');
  published = createRawSigner('ES256', 'forge-key');
  forge.setJwks({ keys: [published.jwk] });
  // The attacker's server: it would serve the attacker's key to anyone who asks. Nobody may ask.
  trap = createServer((req, res) => {
    trapRequests += 1;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [attacker.jwk] }));
  });
  await new Promise<void>((resolve) => trap.listen(0, '127.0.0.1', resolve));
  trapUrl = `http://127.0.0.1:${(trap.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await Promise.all([issuer.close(), forge.close()]);
  await new Promise((resolve) => trap.close(resolve));
});

function fresh(target: TestIssuer = issuer): Authenticator {
  target.resetRequests();
  return createAuthenticator({ ...target.options, tokenCache: false });
}

function attackerToken(header: Record<string, unknown>): string {
  return attacker.sign({ alg: 'ES256', ...header }, claimsFor(issuer.url, issuer.options.audience, { scope: 'admin' }));
}

describe('keys and key URLs in the header are never followed or trusted', () => {
  it.each([
    ['embedded jwk with the real kid', () => ({ kid: issuer.currentKid, jwk: attacker.jwk })],
    ['embedded jwk without a kid', () => ({ jwk: attacker.jwk })],
    ['jku to the attacker with the attacker kid', () => ({ kid: attacker.kid, jku: `${trapUrl}/jwks.json` })],
    ['jku to the attacker with the real kid', () => ({ kid: issuer.currentKid, jku: `${trapUrl}/jwks.json` })],
    ['x5u to the attacker', () => ({ kid: attacker.kid, x5u: `${trapUrl}/cert.pem` })],
    ['x5c with an attacker chain', () => ({ kid: issuer.currentKid, x5c: [Buffer.from('not a certificate').toString('base64')] })],
    ['jku, x5u and jwk together', () => ({ kid: attacker.kid, jku: `${trapUrl}/a`, x5u: `${trapUrl}/b`, jwk: attacker.jwk })],
  ])('attacker-signed token with %s: 401, the attacker server receives nothing, one JWKS fetch', async (_name, header) => {
    const authenticate = fresh();
    const before = trapRequests;
    expectInvalidToken(await answer(authenticate, bearer(attackerToken(header()))));
    expect(trapRequests).toBe(before);
    expect(issuer.requests).toEqual({ jwks: 1, discovery: 0 });
  });

  it('genuinely signed tokens carrying jku/x5u/jwk are verified against the configured JWKS only', async () => {
    const authenticate = fresh();
    const before = trapRequests;
    const token = await issuer.sign({ scope: 'read' }, { header: { jku: `${trapUrl}/jwks.json`, x5u: `${trapUrl}/x`, jwk: attacker.jwk } });
    const result = await answer(authenticate, bearer(token));
    expect(result.status).toBe(200);
    expect(result.auth?.keyId).toBe(issuer.currentKid);
    expect(trapRequests).toBe(before);
    expect(issuer.requests.jwks).toBe(1);
  });
});

const HOSTILE_KIDS: Array<[string, string]> = [
  ['path traversal', '../../../../../../etc/passwd'],
  ['Windows traversal', '..\\..\\..\\windows\\win.ini'],
  ['device path', '/dev/null'],
  ['file URL', 'file:///etc/passwd'],
  ['SQL injection', "' OR '1'='1' --"],
  ['stacked SQL', '1; DROP TABLE keys'],
  ['shell substitution', '$(curl http://127.0.0.1:1/)'],
  ['backticks', '`id`'],
  ['pipe', '| nc -e /bin/sh 127.0.0.1 1'],
  ['emoji', '🔑'],
  ['Cyrillic', 'ключ'],
  ['NUL byte', 'k\u0000id'],
  ['right-to-left override', '\u202eyek'],
  ['CR LF', 'a\r\nSet-Cookie: x=1'],
  ['quotes and backslash', '"\\"'],
  ['prototype key', '__proto__'],
  ['constructor', 'constructor'],
  ['4000 characters', 'k'.repeat(4000)],
];

describe('hostile kid values', () => {
  let authenticate: Authenticator;
  beforeAll(() => {
    authenticate = fresh();
  });

  it.each(HOSTILE_KIDS)('kid with %s is 401 and the description never repeats it', async (_name, kid) => {
    const token = await issuer.sign({ scope: 'admin' }, { kid });
    const description = expectInvalidToken(await answer(authenticate, bearer(token)));
    expect(description).toBe('unknown signing key');
  });

  it.each([['a number', 123], ['null', null], ['an object', { $ne: '' }], ['an array', ['k']], ['true', true], ['empty', '']])(
    'kid that is %s is 401', async (_name, kid) => {
      const token = published.sign({ alg: 'ES256', kid }, claimsFor(forge.url, forge.options.audience));
      expectInvalidToken(await answer(createAuthenticator(forge.options), bearer(token)));
    },
  );

  it('the whole flood of unknown kids cost exactly one JWKS fetch', () => {
    expect(issuer.requests).toEqual({ jwks: 1, discovery: 0 });
  });
});

describe('crit', () => {
  let authenticate: Authenticator;
  const claims = (): Record<string, unknown> => claimsFor(forge.url, forge.options.audience);
  beforeAll(() => {
    authenticate = fresh(forge);
  });

  it('control: the same key and claims without crit are accepted', async () => {
    expect((await answer(authenticate, bearer(published.sign({ alg: 'ES256', kid: published.kid }, claims())))).status).toBe(200);
  });

  it.each([
    ['an unknown extension that is present', { crit: ['urn:example:policy'], 'urn:example:policy': 'strict' }],
    ['an unknown extension that is absent', { crit: ['x-missing'] }],
    ['b64 (RFC 7797) set to true', { crit: ['b64'], b64: true }],
    ['b64 set to false', { crit: ['b64'], b64: false }],
    ['a registered name (exp)', { crit: ['exp'], exp: 1 }],
    ['an empty list', { crit: [] }],
    ['a string instead of a list', { crit: 'exp' }],
  ])('crit with %s is 401', async (_name, extra) => {
    const token = published.sign({ alg: 'ES256', kid: published.kid, ...extra }, claims());
    expect(expectInvalidToken(await answer(authenticate, bearer(token)))).not.toMatch(/urn|x-missing/);
  });
});

describe('duplicate member names: JSON.parse keeps the last, on the signed bytes, consistently', () => {
  let authenticate: Authenticator;
  beforeAll(() => {
    authenticate = fresh(forge);
  });

  const header = (): string => `{"alg":"ES256","kid":"${published.kid}"`;
  const base = (): string => {
    const c = claimsFor(forge.url, forge.options.audience);
    return `"iss":${JSON.stringify(c.iss)},"aud":${JSON.stringify(c.aud)},"iat":${c.iat as number}`;
  };
  const t = (): number => Math.floor(Date.now() / 1000);

  const CASES: Array<[string, () => [string, string], number, string[] | undefined]> = [
    ['alg none then ES256', () => [`{"alg":"none","alg":"ES256","kid":"${published.kid}"}`, `{${base()},"exp":${t() + 300}}`], 200, undefined],
    ['alg ES256 then none', () => [`{"alg":"ES256","alg":"none","kid":"${published.kid}"}`, `{${base()},"exp":${t() + 300}}`], 401, undefined],
    ['kid of another key last', () => [`${header()},"kid":"other"}`, `{${base()},"exp":${t() + 300}}`], 401, undefined],
    ['exp valid then expired', () => [`${header()}}`, `{${base()},"exp":${t() + 300},"exp":${t() - 3600}}`], 401, undefined],
    ['exp expired then valid', () => [`${header()}}`, `{${base()},"exp":${t() - 3600},"exp":${t() + 300}}`], 200, undefined],
    ['iss right then wrong', () => [`${header()}}`, `{${base()},"exp":${t() + 300},"iss":"https://evil.example"}`], 401, undefined],
    ['scope admin then read', () => [`${header()}}`, `{${base()},"exp":${t() + 300},"scope":"admin","scope":"read"}`], 200, ['read']],
    ['scope read then admin', () => [`${header()}}`, `{${base()},"exp":${t() + 300},"scope":"read","scope":"admin"}`], 200, ['admin']],
    ['sub twice', () => [`${header()}}`, `{${base()},"exp":${t() + 300},"sub":"alice","sub":"admin"}`], 200, undefined],
  ];

  it.each(CASES)('%s: answers %i, exactly as the last-wins object signed canonically', async (_name, build, status, scopes) => {
    const [h, p] = build();
    const duplicated = await answer(authenticate, bearer(published.sign(h, p)));
    const canonical = await answer(authenticate, bearer(published.sign(JSON.stringify(JSON.parse(h)), JSON.stringify(JSON.parse(p)))));
    expect(duplicated.status).toBe(status);
    expect(canonical.status).toBe(status);
    expect(duplicated.auth?.scopes).toEqual(canonical.auth?.scopes);
    expect(duplicated.auth?.subject).toEqual(canonical.auth?.subject);
    if (scopes !== undefined) expect(duplicated.auth?.scopes).toEqual(scopes);
    if (status === 401) expectInvalidToken(duplicated);
  });
});

describe('JWE and JSON serialization are refused before any crypto or fetch', () => {
  const junk = (bytes: number): string => Buffer.alloc(bytes, 7).toString('base64url');

  it.each([
    ['RSA-OAEP-256 / A256GCM', { alg: 'RSA-OAEP-256', enc: 'A256GCM', kid: 'k' }],
    ['PBES2 with p2c = 2^31 - 1', { alg: 'PBES2-HS512+A256KW', enc: 'A256GCM', p2c: 2147483647, p2s: junk(16) }],
    ['PBES2 with p2c = 1e15', { alg: 'PBES2-HS256+A128KW', enc: 'A128GCM', p2c: 1e15, p2s: junk(16) }],
    ['zip DEF (a compression bomb carrier)', { alg: 'dir', enc: 'A128CBC-HS256', zip: 'DEF' }],
    ['ECDH-ES with an epk', { alg: 'ECDH-ES', enc: 'A256GCM', epk: { kty: 'EC', crv: 'P-256', x: junk(32), y: junk(32) } }],
  ])('a 5-segment JWE (%s) is 401 at once (no PBKDF2, no inflate) with no JWKS request', async (_name, header) => {
    const authenticate = fresh();
    const jwe = [b64u(header), junk(256), junk(12), junk(1000), junk(16)].join('.');
    const started = performance.now();
    const description = expectInvalidToken(await answer(authenticate, bearer(jwe)));
    // 2^31 PBKDF2 iterations would take minutes; the bound is loose only to tolerate a busy CI.
    expect(performance.now() - started).toBeLessThan(250);
    expect(description).toBe('encrypted tokens (JWE) are not accepted');
    expect(issuer.requests.jwks).toBe(0);
  });

  it.each([4, 6, 7])('%i segments is 401', async (count) => {
    const authenticate = fresh();
    expectInvalidToken(await answer(authenticate, bearer(Array.from({ length: count }, () => junk(8)).join('.'))));
    expect(issuer.requests.jwks).toBe(0);
  });

  it('the general and flattened JWS JSON serializations as a Bearer value are 400 invalid_request', async () => {
    const token = await issuer.sign();
    const [protectedHeader, payload, signature] = token.split('.');
    const general = JSON.stringify({ payload, signatures: [{ protected: protectedHeader, signature }] });
    const flattened = JSON.stringify({ payload, protected: protectedHeader, header: { kid: 'x' }, signature });
    const authenticate = fresh();
    expectInvalidRequest(await answer(authenticate, bearer(general)));
    expectInvalidRequest(await answer(authenticate, bearer(flattened)));
    expectInvalidToken(await answer(authenticate, bearer(b64u(flattened))));
    expect(issuer.requests.jwks).toBe(0);
  });
});
