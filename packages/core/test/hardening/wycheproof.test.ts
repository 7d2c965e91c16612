/**
 * C2SP Wycheproof JSON Web Signature and JSON Web Key vectors (vectors/wycheproof/,
 * Apache-2.0) through core's layers — see wycheproof-harness.ts for how each vector is judged.
 * Every `invalid` vector must be rejected and every `valid` one accepted. A vector that cannot
 * apply is listed below with its reason, still runs, and must give the documented outcome; the
 * final test prints the counts and checks that nothing was dropped.
 */
import { createHmac, createPrivateKey, sign, constants } from 'node:crypto';
import { createTestIssuer, type TestIssuer } from '@portcullis/testing';
import { createAuthenticator, type Authenticator } from '@portcullis/core';
import { answer, b64u, bearer, challengeIsWellFormed, claimsFor } from './support.js';
import { formatTally, keySource, loadVectors, newTally, verdict, type Group, type Jwk, type KeySource, type Tally, type Vector } from './wycheproof-harness.js';

interface NotApplicable {
  reason: string;
  /** What core does with the vector — asserted, so a change of behaviour is noticed. */
  coreAccepts: boolean;
}

const SIGNATURE_NA: Record<number, NotApplicable> = {
  346: { reason: 'JWK says alg PS256, the JWS uses PS384: a key verifies only its own alg (RFC 7517 §4.4, RFC 8725 §3.1)', coreAccepts: false },
  350: { reason: 'JWK says alg PS256, the JWS uses PS384: a key verifies only its own alg (RFC 7517 §4.4, RFC 8725 §3.1)', coreAccepts: false },
  347: { reason: 'JWK alg "ES521" is not a registered JWS algorithm (RFC 7518 §3.1 has ES512): the key is refused', coreAccepts: false },
  351: { reason: 'JWK alg "ES521" is not a registered JWS algorithm (RFC 7518 §3.1 has ES512): the key is refused', coreAccepts: false },
  367: { reason: 'jws is byte-identical to tcId 357 (valid); the padding its comment describes is absent — contradicts 357', coreAccepts: true },
  370: { reason: 'jws is byte-identical to tcId 357 (valid); the padding its comment describes is absent — contradicts 357', coreAccepts: true },
  372: { reason: '"?" inside a segment: refused as not base64url (RFC 7515 §5.2 step 2 forbids extra characters) — stricter', coreAccepts: false },
  373: { reason: '"?" inside a segment: refused as not base64url (RFC 7515 §5.2 step 2 forbids extra characters) — stricter', coreAccepts: false },
};

const KEY_NA: Record<number, NotApplicable> = {
  2: { reason: 'a key set of two HMAC secrets: symmetric keys never come from a key set, and `secret` holds one key', coreAccepts: false },
  7: { reason: 'ROCA (CVE-2017-15361) fingerprinting of RSA moduli is not implemented: key generation is the IdP\'s job', coreAccepts: true },
};

const tallies = { signature: newTally(), key: newTally() };
const totals = { signature: 0, key: 0 };
const e2e = { checked: 0, resigned: 0, resignNa: new Map<string, number>() };

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await createTestIssuer();
});
afterAll(() => issuer.close());

function record(tally: Tally, vector: Vector, accepted: boolean, na: NotApplicable | undefined): void {
  if (na !== undefined) {
    expect(accepted).toBe(na.coreAccepts);
    tally.notApplicable.set(na.reason, (tally.notApplicable.get(na.reason) ?? 0) + 1);
    return;
  }
  expect({ tcId: vector.tcId, accepted }).toEqual({ tcId: vector.tcId, accepted: vector.result === 'valid' });
  if (accepted) tally.validAccepted += 1;
  else tally.invalidRejected += 1;
}

/** A full authenticator for the group's key source, or undefined when its configuration is refused. */
function authenticatorFor(source: KeySource): Authenticator | undefined {
  if (source.kind === 'jwks') {
    issuer.setJwks({ keys: source.keys });
    return createAuthenticator({ ...issuer.options, tokenCache: false, jwks: { timeout: 1 } });
  }
  const secret = new Uint8Array(Buffer.from(String(source.jwk.k ?? ''), 'base64url'));
  const algorithms = typeof source.jwk.alg === 'string' ? [source.jwk.alg] : undefined;
  try {
    return createAuthenticator({ issuer: issuer.url, audience: issuer.options.audience, secret, algorithms, tokenCache: false });
  } catch (err) {
    expect(err).toBeInstanceOf(TypeError);
    return undefined;
  }
}

/** End to end, a Wycheproof JWS is never a 2xx: its payload is not a claim set. */
async function expectNeverAccepted(authenticate: Authenticator | undefined, jws: string): Promise<void> {
  if (authenticate === undefined) return;
  const result = await answer(authenticate, bearer(jws));
  expect([400, 401]).toContain(result.status);
  expect(challengeIsWellFormed(result.status, result.challenge)).toBe(true);
  e2e.checked += 1;
}

const signatures = loadVectors('json_web_signature_test.json');
const keys = loadVectors('json_web_key_test.json');

describe.each(signatures.testGroups.map((group, index) => [`${index} ${group.comment}`, group] as const))('JWS group %s', (_label, group) => {
  const source = keySource(group);
  let authenticate: Authenticator | undefined;
  beforeAll(() => {
    authenticate = authenticatorFor(source);
  });

  it.each(group.tests.map((vector) => [vector.tcId, vector.comment, vector.result, vector] as const))('tc %i %s (%s)', async (_id, _comment, _result, vector) => {
    totals.signature += 1;
    const { accepted } = await verdict(vector.jws, source);
    record(tallies.signature, vector, accepted, SIGNATURE_NA[vector.tcId]);
    await expectNeverAccepted(authenticate, vector.jws);
  });
});

// ---- JWK vectors: the key filter, then a freshly signed JWT end to end where a private key exists.

const HASH: Record<string, string> = { '256': 'sha256', '384': 'sha384', '512': 'sha512' };

function signJwt(alg: string, kid: string | undefined, key: Jwk, claims: Record<string, unknown>): string {
  const input = `${b64u(kid === undefined ? { alg } : { alg, kid })}.${b64u(claims)}`;
  const hash = HASH[alg.slice(-3)] ?? 'sha256';
  if (alg.startsWith('HS')) return `${input}.${createHmac(hash, Buffer.from(String(key.k), 'base64url')).update(input).digest('base64url')}`;
  const privateKey = createPrivateKey({ key: key as never, format: 'jwk' });
  const options = alg.startsWith('ES') ? { key: privateKey, dsaEncoding: 'ieee-p1363' as const }
    : alg.startsWith('PS') ? { key: privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: Number(alg.slice(-3)) / 8 }
      : { key: privateKey, padding: constants.RSA_PKCS1_PADDING };
  return `${input}.${sign(hash, Buffer.from(input), options).toString('base64url')}`;
}

function privateKeys(group: Group): Jwk[] {
  const set = group.private as { keys?: Jwk[] } | undefined;
  return set?.keys ?? [];
}

/** Re-signs a real JWT with the vector's own private key and algorithm; undefined when impossible (and why). */
function resign(group: Group, vector: Vector): string | undefined {
  const header = JSON.parse(Buffer.from(vector.jws.split('.')[0]!, 'base64url').toString('utf8')) as { alg: string; kid?: string };
  const key = privateKeys(group).find((candidate) => candidate.kid === header.kid) ?? privateKeys(group)[0];
  const why = key === undefined ? 'no private key' : key.kty !== 'oct' && key.d === undefined ? 'no private part' : undefined;
  if (why === undefined) {
    try {
      return signJwt(header.alg, header.kid, key!, claimsFor(issuer.url, issuer.options.audience));
    } catch {
      e2e.resignNa.set('the private JWK does not import (invalid point or parameters)', (e2e.resignNa.get('the private JWK does not import (invalid point or parameters)') ?? 0) + 1);
      return undefined;
    }
  }
  e2e.resignNa.set(why, (e2e.resignNa.get(why) ?? 0) + 1);
  return undefined;
}

describe.each(keys.testGroups.map((group, index) => [`${index} ${group.comment}`, group] as const))('JWK group %s', (_label, group) => {
  const source = keySource(group);

  it.each(group.tests.map((vector) => [vector.tcId, vector.comment, vector.result, vector] as const))('tc %i %s (%s)', async (_id, _comment, _result, vector) => {
    totals.key += 1;
    const na = KEY_NA[vector.tcId];
    const { accepted } = await verdict(vector.jws, source);
    record(tallies.key, vector, accepted, na);
    const authenticate = authenticatorFor(source);
    await expectNeverAccepted(authenticate, vector.jws);
    const jwt = resign(group, vector);
    if (jwt === undefined) return;
    const result = authenticate === undefined ? { status: 0 } : await answer(authenticate, bearer(jwt));
    e2e.resigned += 1;
    expect({ tcId: vector.tcId, accepted: result.status === 200 }).toEqual({ tcId: vector.tcId, accepted: na?.coreAccepts ?? vector.result === 'valid' });
  });
});

describe('Wycheproof summary', () => {
  it('every vector was judged; counts printed', () => {
    expect(totals).toEqual({ signature: signatures.numberOfTests, key: keys.numberOfTests });
    const count = (tally: Tally): number => tally.validAccepted + tally.invalidRejected + [...tally.notApplicable.values()].reduce((a, b) => a + b, 0);
    expect(count(tallies.signature)).toBe(signatures.numberOfTests);
    expect(count(tallies.key)).toBe(keys.numberOfTests);
    const resignNa = [...e2e.resignNa].map(([why, n]) => `${n} × ${why}`).join('; ');
    console.log([
      formatTally('json_web_signature_test.json', signatures.numberOfTests, tallies.signature),
      formatTally('json_web_key_test.json', keys.numberOfTests, tallies.key),
      `end to end: ${e2e.checked} vector tokens through a full authenticator (never 2xx, 400/401 with a well-formed challenge);`,
      `  ${e2e.resigned} JWK vectors re-signed as real JWTs and judged end to end${resignNa ? ` (not re-signable: ${resignNa})` : ''}`,
    ].join('\n'));
  });
});
