/**
 * The gateway in-process, between a real local issuer and a real upstream that records what reaches it:
 * only proven callers get through, with their identity in `x-auth-*` headers, and nothing a client sends
 * can forge those headers.
 */
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { createTestIssuer, generateApiKey, type TestIssuer } from '@portcullis/testing';
import { createGateway } from '../src/gateway.js';

interface Received {
  method?: string;
  url?: string;
  headers: IncomingHttpHeaders;
  body: string;
}

const serviceKey = generateApiKey({ id: 'svc', subject: 'billing-service', scopes: ['read:invoices'] });

let issuer: TestIssuer;
let upstream: Server;
let upstreamUrl: string;
let received: Received[] = [];
let gateway: ReturnType<typeof createGateway>;

beforeAll(async () => {
  issuer = await createTestIssuer();
  upstream = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      received.push({ method: req.method, url: req.url, headers: req.headers, body });
      res.writeHead(201, { 'content-type': 'text/plain', 'x-upstream': 'yes' }).end('from upstream');
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  gateway = createGateway({ auth: { ...issuer.options, apiKeys: { keys: [serviceKey.record] } }, upstream: upstreamUrl });
});

beforeEach(() => {
  received = [];
});

afterAll(async () => {
  upstream.closeAllConnections();
  await new Promise((resolve) => upstream.close(resolve));
  await issuer.close();
});

it('forwards a proven caller with its identity, and the upstream answer back', async () => {
  const token = await issuer.sign({ sub: 'alice', scope: 'read write' });
  const res = await request(gateway).post('/orders?limit=5').auth(token, { type: 'bearer' }).set('x-request-id', 'r1').send('payload');
  expect(res.status).toBe(201);
  expect(res.text).toBe('from upstream');
  expect(res.headers['x-upstream']).toBe('yes');
  expect(received).toHaveLength(1);
  const [seen] = received;
  expect(seen).toEqual(expect.objectContaining({ method: 'POST', url: '/orders?limit=5', body: 'payload' }));
  expect(seen!.headers).toEqual(
    expect.objectContaining({ 'x-auth-type': 'jwt', 'x-auth-subject': 'alice', 'x-auth-scopes': 'read write', 'x-request-id': 'r1' }),
  );
  expect(seen!.headers.authorization).toBeUndefined();
});

it('replaces client-sent identity headers with the proven identity', async () => {
  const token = await issuer.sign({ sub: 'alice', scope: 'read' });
  const res = await request(gateway)
    .get('/')
    .auth(token, { type: 'bearer' })
    .set('x-auth-subject', 'admin')
    .set('X-Auth-Scopes', 'admin')
    .set('x-auth-role', 'root');
  expect(res.status).toBe(201);
  expect(received[0]!.headers['x-auth-subject']).toBe('alice');
  expect(received[0]!.headers['x-auth-scopes']).toBe('read');
  expect(received[0]!.headers['x-auth-role']).toBeUndefined();
});

it('forwards API-key callers without the key', async () => {
  const res = await request(gateway).get('/invoices').set('x-api-key', serviceKey.key);
  expect(res.status).toBe(201);
  expect(received[0]!.headers).toEqual(
    expect.objectContaining({ 'x-auth-type': 'api-key', 'x-auth-subject': 'billing-service', 'x-auth-scopes': 'read:invoices' }),
  );
  expect(received[0]!.headers['x-api-key']).toBeUndefined();
});

it('drops hop-by-hop headers and those the Connection header names (RFC 9110 §7.6.1)', async () => {
  const token = await issuer.sign({ sub: 'alice' });
  await request(gateway).get('/').auth(token, { type: 'bearer' }).set('Connection', 'x-private').set('x-private', 'secret');
  expect(received[0]!.headers['x-private']).toBeUndefined();
});

it('percent-encodes identity values that are not printable ASCII', async () => {
  const token = await issuer.sign({ sub: 'zoë\r\nx-evil: 1' });
  const res = await request(gateway).get('/').auth(token, { type: 'bearer' });
  expect(res.status).toBe(201);
  expect(received[0]!.headers['x-auth-subject']).toBe('zo%C3%AB%0D%0Ax-evil: 1');
  expect(received[0]!.headers['x-evil']).toBeUndefined();
});

describe('refused before reaching the upstream', () => {
  it.each<[string, () => Promise<Record<string, string>>, number, RegExp]>([
    ['no credentials', async () => ({}), 401, /^Bearer realm="api"$/],
    ['a forged identity header alone', async () => ({ 'x-auth-subject': 'admin' }), 401, /^Bearer realm="api"$/],
    ['an expired token', async () => ({ authorization: `Bearer ${await issuer.badTokens.expired()}` }), 401, /^Bearer error="invalid_token"/],
    ['an unknown API key', async () => ({ 'x-api-key': generateApiKey().key }), 401, /^Bearer realm="api"$/],
    ['two Authorization schemes at once', async () => ({ authorization: 'Bearer a b' }), 400, /^Bearer error="invalid_request"$/],
  ])('%s', async (_name, headers, status, challenge) => {
    const res = await request(gateway).get('/').set(await headers());
    expect(res.status).toBe(status);
    expect(res.headers['www-authenticate']).toMatch(challenge);
    expect(res.body.error).toEqual(expect.any(String));
    expect(received).toHaveLength(0);
  });

  it('a token in the query string', async () => {
    const res = await request(gateway).get('/').query({ access_token: await issuer.sign() });
    expect(res.status).toBe(400);
    expect(received).toHaveLength(0);
  });

  it('a request target that is not a path (it could redirect the request to another host)', async () => {
    const server = createServer(gateway);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const token = await issuer.sign();
      for (const path of ['//127.0.0.1:1/steal', 'http://127.0.0.1:1/steal']) {
        const status = await new Promise<number | undefined>((resolve, reject) => {
          const req = httpRequest({ host: '127.0.0.1', port, path, headers: { authorization: `Bearer ${token}` } }, (res) => {
            res.resume();
            resolve(res.statusCode);
          });
          req.on('error', reject);
          req.end();
        });
        expect([path, status]).toEqual([path, 400]);
      }
      expect(received).toHaveLength(0);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

it('answers 502 when the upstream is unreachable', async () => {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const deadUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
  await new Promise((resolve) => closed.close(resolve));
  const dead = createGateway({ auth: issuer.options, upstream: deadUrl });
  const res = await request(dead).get('/').auth(await issuer.sign(), { type: 'bearer' });
  expect(res.status).toBe(502);
  expect(res.body).toEqual({ error: 'bad_gateway' });
});
