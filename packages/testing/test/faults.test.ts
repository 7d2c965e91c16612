import { createLocalJWKSet, jwtVerify, type JWK } from 'jose';
import { createTestIssuer, HUGE_BODY_BYTES, type TestIssuer } from '../src/index.js';

const DISCOVERY = '/.well-known/openid-configuration';

describe('setFault()', () => {
  let issuer: TestIssuer;
  let realJwks: string;
  beforeAll(async () => {
    issuer = await createTestIssuer();
    realJwks = JSON.stringify(issuer.jwks());
  });
  afterEach(() => {
    issuer.setFault(null);
    issuer.setJwks(null);
    issuer.resetRequests();
  });
  afterAll(() => issuer.close());

  test('down: the connection is reset without any answer', async () => {
    issuer.setFault('down');
    const failure = await fetch(issuer.jwksUri).then(
      () => undefined,
      (error: unknown) => error as Error & { cause?: { code?: string } },
    );
    // fetch errors come from Node's own realm, so compare names rather than constructors.
    expect(failure?.name).toBe('TypeError');
    expect(failure?.cause?.code).toMatch(/ECONNRESET|UND_ERR_SOCKET/);
    await expect(fetch(`${issuer.url}${DISCOVERY}`)).rejects.toThrow();
    issuer.setFault(null);
    expect((await fetch(issuer.jwksUri)).status).toBe(200);
  });

  test('slow: the correct answer, after delayMs', async () => {
    issuer.setFault('slow', { delayMs: 300 });
    const started = Date.now();
    const response = await fetch(issuer.jwksUri);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(realJwks);
  });

  test('slow: a client giving up does not leave the timer behind, and close() does not wait', async () => {
    await using slow = await createTestIssuer();
    slow.setFault('slow'); // default delay: 10 s
    await expect(fetch(slow.jwksUri, { signal: AbortSignal.timeout(100) })).rejects.toThrow();
    const pending = fetch(slow.jwksUri).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await slow.close();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await pending).toMatchObject({ name: 'TypeError' });
  });

  test('status500', async () => {
    issuer.setFault('status500');
    const response = await fetch(issuer.jwksUri);
    expect(response.status).toBe(500);
    expect(await response.text()).not.toContain('"keys"');
  });

  test('html: 200 with an HTML page', async () => {
    issuer.setFault('html');
    const response = await fetch(issuer.jwksUri);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const text = await response.text();
    expect(text).toMatch(/^<!doctype html>/i);
    expect(() => JSON.parse(text)).toThrow(SyntaxError);
  });

  test('garbage: 200 application/json whose bytes are not JSON', async () => {
    issuer.setFault('garbage');
    const response = await fetch(issuer.jwksUri);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    await expect(response.json()).rejects.toMatchObject({ name: 'SyntaxError' });
  });

  test('truncated: the real JWKS cut in half, with a matching Content-Length', async () => {
    issuer.setFault('truncated');
    const response = await fetch(issuer.jwksUri);
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(Number(response.headers.get('content-length'))).toBe(text.length);
    expect(text.length).toBe(Math.floor(realJwks.length / 2));
    expect(realJwks.startsWith(text)).toBe(true);
    expect(() => JSON.parse(text)).toThrow(SyntaxError);
  });

  test('huge: a 10 MB JSON body, streamed without Content-Length', async () => {
    issuer.setFault('huge', { target: 'jwks' });
    const response = await fetch(issuer.jwksUri);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBeNull();
    expect(response.headers.get('transfer-encoding')).toBe('chunked');
    const text = await response.text();
    expect(Buffer.byteLength(text)).toBe(HUGE_BODY_BYTES);
    const parsed = JSON.parse(text) as { keys: JWK[]; padding: string };
    expect(parsed.keys).toEqual(issuer.jwks().keys);
  });

  test('huge: a client that stops reading early does not hang the server', async () => {
    issuer.setFault('huge');
    const controller = new AbortController();
    const response = await fetch(issuer.jwksUri, { signal: controller.signal });
    const reader = response.body!.getReader();
    await reader.read();
    controller.abort();
    issuer.setFault(null);
    expect((await fetch(issuer.jwksUri)).status).toBe(200);
  });

  test('redirect: 302 to another path on the same server that serves the real document', async () => {
    issuer.setFault('redirect');
    const manual = await fetch(issuer.jwksUri, { redirect: 'manual' });
    expect(manual.status).toBe(302);
    const location = manual.headers.get('location')!;
    expect(location.startsWith(`${issuer.url}/`)).toBe(true);
    expect(location).not.toBe(issuer.jwksUri);
    const followed = await fetch(issuer.jwksUri);
    expect(followed.status).toBe(200);
    expect(followed.url).toBe(location);
    expect(await followed.text()).toBe(realJwks);
    const discovery = (await (await fetch(`${issuer.url}${DISCOVERY}`)).json()) as { issuer: string };
    expect(discovery.issuer).toBe(issuer.url);
    // Every HTTP request counts, redirect targets included.
    expect(issuer.requests).toEqual({ jwks: 3, discovery: 2 });
  });

  test('wrongIssuer: discovery names another issuer; the JWKS is untouched', async () => {
    issuer.setFault('wrongIssuer');
    for (const path of [DISCOVERY, '/.well-known/oauth-authorization-server']) {
      const doc = (await (await fetch(`${issuer.url}${path}`)).json()) as { issuer: string; jwks_uri: string };
      expect(doc.issuer).not.toBe(issuer.url);
      expect(doc.jwks_uri).toBe(issuer.jwksUri);
    }
    expect(await (await fetch(issuer.jwksUri)).text()).toBe(realJwks);
  });

  test('noUsableKeys: only a 1024-bit RSA key and an encryption key; a valid token finds no key', async () => {
    issuer.setFault('noUsableKeys');
    const jwks = (await (await fetch(issuer.jwksUri)).json()) as { keys: JWK[] };
    expect(jwks.keys).toHaveLength(2);
    const [weak, enc] = jwks.keys;
    expect(weak).toMatchObject({ kty: 'RSA', use: 'sig', alg: 'RS256' });
    expect(Buffer.from(weak!.n!, 'base64url').length * 8).toBe(1024);
    expect(enc).toMatchObject({ use: 'enc' });
    const realKids = issuer.jwks().keys.map((key) => key.kid);
    jwks.keys.forEach((key) => expect(realKids).not.toContain(key.kid));
    const token = await issuer.sign();
    await expect(jwtVerify(token, createLocalJWKSet(jwks), { issuer: issuer.url })).rejects.toMatchObject({
      code: 'ERR_JWKS_NO_MATCHING_KEY',
    });
    expect((await fetch(`${issuer.url}${DISCOVERY}`)).status).toBe(200);
  });

  test.each([
    ['jwks', 500, 200],
    ['discovery', 200, 500],
    ['all', 500, 500],
  ] as const)('target %s: JWKS answers %i, discovery answers %i', async (target, jwksStatus, discoveryStatus) => {
    issuer.setFault('status500', { target });
    expect((await fetch(issuer.jwksUri)).status).toBe(jwksStatus);
    expect((await fetch(`${issuer.url}${DISCOVERY}`)).status).toBe(discoveryStatus);
    expect((await fetch(`${issuer.url}/.well-known/oauth-authorization-server`)).status).toBe(discoveryStatus);
  });

  test('setFault(null) restores normal service', async () => {
    issuer.setFault('garbage');
    issuer.setFault(null);
    const response = await fetch(issuer.jwksUri);
    expect(response.headers.get('cache-control')).toBe('max-age=300');
    expect(await response.text()).toBe(realJwks);
  });

  test.each([
    ['unplugged', {}],
    ['slow', { target: 'keys' }],
    ['slow', { delayMs: -1 }],
    ['slow', { delayMs: Number.NaN }],
  ])('rejects setFault(%p, %p) with a TypeError', (fault, options) => {
    expect(() => issuer.setFault(fault as never, options as never)).toThrow(TypeError);
  });
});

describe('setJwks()', () => {
  test('serves a custom JWKS verbatim until reset with null', async () => {
    await using issuer = await createTestIssuer();
    const custom = { keys: [{ kty: 'oct', k: 'c2VjcmV0', kid: 'symmetric-in-a-jwks' }, { nonsense: true }] };
    issuer.setJwks(custom);
    expect(await (await fetch(issuer.jwksUri)).json()).toEqual(custom);
    issuer.setJwks(null);
    expect(await (await fetch(issuer.jwksUri)).json()).toEqual(issuer.jwks());
    expect(() => issuer.setJwks({ nokeys: [] } as never)).toThrow(TypeError);
  });
});

describe('requests counters', () => {
  test('are exact per endpoint, include faulted requests, and reset', async () => {
    await using issuer = await createTestIssuer();
    expect(issuer.requests).toEqual({ jwks: 0, discovery: 0 });
    for (let i = 0; i < 3; i += 1) await (await fetch(issuer.jwksUri)).arrayBuffer();
    await (await fetch(`${issuer.url}${DISCOVERY}`)).arrayBuffer();
    await (await fetch(`${issuer.url}/.well-known/oauth-authorization-server`)).arrayBuffer();
    await (await fetch(`${issuer.url}/not-counted`)).arrayBuffer();
    expect(issuer.requests).toEqual({ jwks: 3, discovery: 2 });

    issuer.setFault('down', { target: 'jwks' });
    await expect(fetch(issuer.jwksUri)).rejects.toThrow();
    issuer.setFault('status500', { target: 'discovery' });
    await (await fetch(`${issuer.url}${DISCOVERY}`)).arrayBuffer();
    expect(issuer.requests).toEqual({ jwks: 4, discovery: 3 });

    const snapshot = issuer.requests;
    issuer.resetRequests();
    expect(snapshot).toEqual({ jwks: 4, discovery: 3 });
    expect(issuer.requests).toEqual({ jwks: 0, discovery: 0 });
  });

  test('count concurrent requests exactly', async () => {
    await using issuer = await createTestIssuer();
    await Promise.all(Array.from({ length: 25 }, async () => (await fetch(issuer.jwksUri)).arrayBuffer()));
    expect(issuer.requests.jwks).toBe(25);
    expect(issuer.requests.discovery).toBe(0);
  });
});
