/**
 * The soak's request mix: every kind of credential a public API sees, each with the one answer it
 * must get. Tokens are minted up front (and fresh valid ones during the run), so the load generator
 * spends its time on requests, not on signing.
 */
import { randomBytes } from 'node:crypto';
import type { TestIssuer } from '@portcullis/testing';
import { generateApiKey } from '@portcullis/testing';

export const SCOPE = 'read:messages';
const INVALID_TOKEN = /^Bearer error="invalid_token", error_description="[\x20\x21\x23-\x5b\x5d-\x7e]*"$/;
const BARE = 'Bearer realm="api"';

/** What one request sends and what it must get back. */
export interface Probe {
  kind: string;
  headers: Record<string, string | string[]>;
  status: number;
  /** The exact challenge, or a pattern it must match; absent for 200. */
  challenge?: string | RegExp;
  /** For 200: the subject the body must name. */
  subject?: string;
}

export interface Mix {
  /** A probe for a random draw in [0, 1). */
  draw(random: () => number): Probe;
  /** API-key records for the app. */
  apiKeyRecords: ReturnType<typeof generateApiKey>['record'][];
  /** Mints another valid token into the pool (run in the background during the soak). */
  refill(): Promise<void>;
  /** Valid tokens in the pool. */
  readonly poolSize: number;
}

function withRandomKid(token: string): string {
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const decoded = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as Record<string, unknown>;
  const forged = Buffer.from(JSON.stringify({ ...decoded, kid: randomBytes(12).toString('hex') })).toString('base64url');
  return `${forged}.${payload}.${signature}`;
}

const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

/**
 * Builds the mix: `valid` distinct valid tokens with the scope, plus pools of every bad kind.
 *
 * @example
 * const mix = await createMix(issuer, 500, 7200)
 * const probe = mix.draw(Math.random)
 */
export async function createMix(issuer: TestIssuer, valid: number, lifetimeSeconds: number): Promise<Mix> {
  const sign = (i: number, scope: string | undefined, alg: 'RS256' | 'ES256') =>
    issuer.sign({ sub: `user-${i}`, scope }, { alg, expiresIn: lifetimeSeconds });
  const pool: Array<{ token: string; subject: string }> = [];
  for (let i = 0; i < valid; i++) pool.push({ token: await sign(i, `${SCOPE} write:messages`, i % 2 ? 'ES256' : 'RS256'), subject: `user-${i}` });
  const noScope = await Promise.all(Array.from({ length: 20 }, (_, i) => sign(100_000 + i, 'write:messages', 'ES256')));
  const bad = issuer.badTokens;
  const forged: Array<[string, string[]]> = [];
  for (const [kind, make] of Object.entries(bad)) forged.push([kind, await Promise.all(Array.from({ length: 10 }, () => make({ scope: SCOPE })))]);
  const service = generateApiKey({ id: 'soak-service', subject: 'soak-service', scopes: [SCOPE] });
  const expiredKey = generateApiKey({ id: 'soak-expired', subject: 'gone', scopes: [SCOPE], expiresAt: new Date(Date.now() - 60_000) });
  let minted = valid;

  const pick = <T>(list: readonly T[], random: () => number): T => list[Math.floor(random() * list.length)]!;
  const kinds: Array<[number, (random: () => number) => Probe]> = [
    [40, (r) => {
      const { token, subject } = pick(pool, r);
      return { kind: 'valid token', headers: bearer(token), status: 200, subject };
    }],
    [5, (r) => ({ kind: 'valid token, scope missing', headers: bearer(pick(noScope, r)), status: 403, challenge: `Bearer error="insufficient_scope", scope="${SCOPE}"` })],
    [20, (r) => {
      const [kind, tokens] = pick(forged, r);
      return { kind: `bad token: ${kind}`, headers: bearer(pick(tokens, r)), status: 401, challenge: INVALID_TOKEN };
    }],
    [10, (r) => ({ kind: 'random kid', headers: bearer(withRandomKid(pick(pool, r).token)), status: 401, challenge: INVALID_TOKEN })],
    [10, () => ({ kind: 'valid API key', headers: { 'x-api-key': service.key }, status: 200, subject: 'soak-service' })],
    [3, () => ({ kind: 'expired API key', headers: { 'x-api-key': expiredKey.key }, status: 401, challenge: BARE })],
    [4, () => ({ kind: 'unknown API key', headers: { 'x-api-key': `pk_test_${randomBytes(16).toString('base64url')}` }, status: 401, challenge: BARE })],
    [3, (r) => ({ kind: 'two credentials', headers: { ...bearer(pick(pool, r).token), 'x-api-key': service.key }, status: 400, challenge: 'Bearer error="invalid_request"' })],
    [3, (r) => ({ kind: 'two Authorization headers', headers: { authorization: [`Bearer ${pick(pool, r).token}`, 'Bearer x'] }, status: 400, challenge: 'Bearer error="invalid_request"' })],
    [2, () => ({ kind: 'no credentials', headers: {}, status: 401, challenge: BARE })],
  ];
  const total = kinds.reduce((sum, [weight]) => sum + weight, 0);

  return {
    apiKeyRecords: [service.record, expiredKey.record],
    get poolSize() {
      return pool.length;
    },
    async refill() {
      const i = minted++;
      pool.push({ token: await sign(i, SCOPE, i % 2 ? 'ES256' : 'RS256'), subject: `user-${i}` });
    },
    draw(random) {
      let ticket = random() * total;
      for (const [weight, make] of kinds) {
        if (ticket < weight) return make(random);
        ticket -= weight;
      }
      return kinds[0]![1](random);
    },
  };
}
