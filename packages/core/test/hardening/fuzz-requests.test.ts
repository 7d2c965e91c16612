/**
 * Property-based fuzzing of whole requests — random and mutated `Authorization` headers, API-key
 * headers, query credentials and combinations — through core and through a real Express app on
 * 127.0.0.1. The answer is always 400/401/403/503 with a well-formed challenge, a 2xx only for the
 * untouched valid credential, never a 500, never an unhandled rejection.
 */
import { Agent, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import express from 'express';
import { createTestIssuer, generateApiKey, type TestIssuer } from '@portcullis/testing';
import { authenticate as expressAuthenticate, requireScopes } from '@portcullis/express';
import { createAuthenticator, type AuthContext, type Authenticator, type RequestLike } from '@portcullis/core';
import { answer, challengeIsWellFormed } from './support.js';
import { ANY_TEXT, HEADER_SAFE, assertProperty, requestArbitrary, type FuzzRequest } from './fuzz-support.js';

const CORE_RUNS = 20_000;
const HTTP_RUNS = 3_000;

let issuer: TestIssuer;
let token: string;
const apiKey = generateApiKey({ id: 'fuzz', scopes: ['read'] });
let core: Authenticator;
let server: Server;
let agent: Agent;
let port: number;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => {
  unhandled.push(reason);
};
const shapes = new Map<string, number>();
const statuses = new Map<number, number>();

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  issuer = await createTestIssuer({ algorithms: ['ES256'] });
  token = await issuer.sign({ scope: 'read' }, { expiresIn: '1h' });
  const options = { ...issuer.options, apiKeys: { keys: [apiKey.record] } };
  core = createAuthenticator(options);
  const app = express();
  app.get('/r', expressAuthenticate(options), requireScopes('read'), (req, res) => {
    res.json({ type: req.auth?.type, token: req.auth?.token, keyId: req.auth?.keyId });
  });
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  port = (server.address() as AddressInfo).port;
  agent = new Agent({ keepAlive: true, maxSockets: 4 });
});

afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  agent.destroy();
  await new Promise((resolve) => server.close(resolve));
  await issuer.close();
});

function count<K>(map: Map<K, number>, key: K): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

/** Whether a 2xx was earned: the context names exactly the valid token, or the valid API key as presented. */
function isValidCredential(auth: Partial<AuthContext>, presentedKey: string | undefined, trimmed: boolean): boolean {
  if (auth.type === 'jwt') return auth.token === token;
  const key = trimmed ? presentedKey?.replace(/^[ \t]+|[ \t]+$/g, '') : presentedKey;
  return auth.type === 'api-key' && auth.keyId === 'fuzz' && key === apiKey.key;
}

function toRequestLike(input: FuzzRequest): RequestLike {
  const headers: RequestLike['headers'] = {};
  if (input.authorization !== undefined) headers.authorization = input.authorization;
  if (input.apiKey !== undefined) headers['x-api-key'] = input.apiKey;
  return { headers, method: 'GET', url: input.query === undefined ? '/r' : `/r?${input.query}` };
}

describe('fuzzing core', () => {
  it(`${CORE_RUNS} requests: 400/401/503 with well-formed challenges, 2xx only for the valid credential`, async () => {
    await assertProperty('core requests', fc.asyncProperty(requestArbitrary(token, apiKey.key, ANY_TEXT), async (input) => {
      const result = await answer(core, toRequestLike(input));
      count(shapes, input.shape);
      count(statuses, result.status);
      if (result.status === 200) return isValidCredential(result.auth!, input.apiKey, false);
      return [400, 401, 503].includes(result.status) && challengeIsWellFormed(result.status, result.challenge, result.retryAfter);
    }), CORE_RUNS);
    expect(statuses.get(200)).toBeGreaterThan(0);
    expect(statuses.get(400)).toBeGreaterThan(0);
    expect(statuses.get(401)).toBeGreaterThan(0);
  });
});

interface HttpAnswer {
  status: number;
  challenge?: string;
  retryAfter?: string;
  body: string;
}

/** Node's HTTP client refuses control characters in header values; those requests cannot be sent at all. */
function isSendable(input: FuzzRequest): boolean {
  const values = [input.authorization ?? [], input.apiKey ?? []].flat();
  return values.every((value) => !/[^\t\x20-\x7e\x80-\xff]/.test(value));
}

function send(input: FuzzRequest): Promise<HttpAnswer> {
  const headers: Record<string, string | string[]> = {};
  if (input.authorization !== undefined) headers.authorization = input.authorization;
  if (input.apiKey !== undefined) headers['x-api-key'] = input.apiKey;
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, agent, path: input.query === undefined ? '/r' : `/r?${input.query}`, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk)).on('end', () => resolve({
        status: res.statusCode!,
        challenge: res.headers['www-authenticate'],
        retryAfter: res.headers['retry-after'],
        body,
      }));
    });
    req.on('error', reject).end();
  });
}

describe('fuzzing a real Express app', () => {
  it(`${HTTP_RUNS} HTTP requests: never 500, well-formed challenges, 2xx only for the valid credential`, async () => {
    const seen = new Map<number, number>();
    const sendable = requestArbitrary(token, apiKey.key, fc.string({ unit: HEADER_SAFE, maxLength: 64 })).filter(isSendable);
    await assertProperty('express requests', fc.asyncProperty(sendable, async (input) => {
      const result = await send(input);
      count(seen, result.status);
      if (result.status === 200) return isValidCredential(JSON.parse(result.body) as AuthContext, input.apiKey, true);
      return [400, 401, 403, 503].includes(result.status) && challengeIsWellFormed(result.status, result.challenge, result.retryAfter);
    }), HTTP_RUNS, 1);
    expect(seen.get(200)).toBeGreaterThan(0);
    expect(seen.has(500)).toBe(false);
  });
});

describe('after the fuzzing', () => {
  it('no unhandled rejection happened, and the JWKS was fetched at most twice', () => {
    expect(unhandled).toEqual([]);
    expect(issuer.requests.jwks).toBeLessThanOrEqual(2);
    console.log(`fuzz-requests (seed ${process.env.FUZZ_SEED ?? 'default'}): core statuses ${JSON.stringify(Object.fromEntries(statuses))}; shapes ${JSON.stringify(Object.fromEntries(shapes))}`);
  });
});
