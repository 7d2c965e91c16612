import { createServer } from 'node:net';
import { createTestIssuer, type TestIssuer } from '../src/index.js';
import { verifyAgainstServedJwks } from './helpers.js';

describe('createTestIssuer: the server', () => {
  let issuer: TestIssuer;
  beforeAll(async () => {
    issuer = await createTestIssuer();
  });
  afterAll(() => issuer.close());

  test('listens on 127.0.0.1 with an ephemeral port and exposes matching urls and options', () => {
    expect(issuer.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(Number(new URL(issuer.url).port)).toBeGreaterThan(0);
    expect(issuer.jwksUri).toBe(`${issuer.url}/.well-known/jwks.json`);
    expect(issuer.options).toEqual({ issuer: issuer.url, audience: 'https://api.example.test', jwksUri: issuer.jwksUri });
  });

  test.each(['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server'])(
    'serves discovery metadata at %s',
    async (path) => {
      const response = await fetch(`${issuer.url}${path}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/json');
      const doc = (await response.json()) as Record<string, unknown>;
      expect(doc.issuer).toBe(issuer.url);
      expect(doc.jwks_uri).toBe(issuer.jwksUri);
      expect(doc.id_token_signing_alg_values_supported).toEqual(['RS256']);
    },
  );

  test('serves the public JWKS with Cache-Control: max-age=300 and no private material', async () => {
    const response = await fetch(issuer.jwksUri);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('max-age=300');
    const jwks = (await response.json()) as { keys: Array<Record<string, unknown>> };
    expect(jwks.keys).toHaveLength(1);
    const [key] = jwks.keys;
    expect(key).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig', kid: issuer.currentKid, e: 'AQAB' });
    for (const privateMember of ['d', 'p', 'q', 'dp', 'dq', 'qi']) expect(key).not.toHaveProperty(privateMember);
    expect(jwks).toEqual(issuer.jwks());
  });

  test('a signed token verifies against what the server really serves', async () => {
    const { payload } = await verifyAgainstServedJwks(issuer, await issuer.sign());
    expect(payload.iss).toBe(issuer.url);
  });

  test('unknown paths are 404 and other methods 405, neither answer carrying keys', async () => {
    const missing = await fetch(`${issuer.url}/.well-known/jwks.json.bak`);
    expect(missing.status).toBe(404);
    const post = await fetch(issuer.jwksUri, { method: 'POST', body: '{}' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });

  test('HEAD on the JWKS answers headers only', async () => {
    const response = await fetch(issuer.jwksUri, { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(Number(response.headers.get('content-length'))).toBeGreaterThan(0);
    expect(await response.text()).toBe('');
  });
});

describe('createTestIssuer: options', () => {
  test('audience (string or list) flows into options and minted tokens', async () => {
    await using issuer = await createTestIssuer({ audience: ['https://a.example.test', 'https://b.example.test'] });
    expect(issuer.options.audience).toEqual(['https://a.example.test', 'https://b.example.test']);
    const { payload } = await verifyAgainstServedJwks(issuer, await issuer.sign());
    expect(payload.aud).toEqual(['https://a.example.test', 'https://b.example.test']);
  });

  test('a fixed port is honoured', async () => {
    const port = await freePort();
    await using issuer = await createTestIssuer({ port });
    expect(issuer.url).toBe(`http://127.0.0.1:${port}`);
    expect((await fetch(issuer.jwksUri)).status).toBe(200);
  });

  test.each([
    [{ audience: '' }, /audience/],
    [{ audience: [] as string[] }, /audience/],
    [{ algorithms: [] }, /algorithms/],
    [{ algorithms: ['HS256' as never] }, /algorithms: unsupported "HS256"/],
    [{ algorithms: ['none' as never] }, /algorithms/],
    [{ port: -1 }, /port/],
    [{ port: 1.5 }, /port/],
    [{ secret: 42 as never }, /secret/],
  ])('rejects bad options %p with a TypeError naming the option', async (options, message) => {
    await expect(createTestIssuer(options)).rejects.toThrow(TypeError);
    await expect(createTestIssuer(options)).rejects.toThrow(message);
  });
});

describe('createTestIssuer: lifecycle', () => {
  test('close() is idempotent and really stops the server', async () => {
    const issuer = await createTestIssuer();
    expect((await fetch(issuer.jwksUri)).status).toBe(200);
    await Promise.all([issuer.close(), issuer.close()]);
    await issuer.close();
    await expect(fetch(issuer.jwksUri)).rejects.toThrow();
  });

  test('close() ends idle keep-alive connections instead of waiting for them', async () => {
    const issuer = await createTestIssuer();
    // fetch keeps the connection alive in its pool after this answer.
    await (await fetch(issuer.jwksUri)).arrayBuffer();
    const started = Date.now();
    await issuer.close();
    expect(Date.now() - started).toBeLessThan(1000);
  });

  test('Symbol.asyncDispose closes the issuer at the end of the scope', async () => {
    let url = '';
    {
      await using issuer = await createTestIssuer();
      url = issuer.jwksUri;
      expect((await fetch(url)).status).toBe(200);
    }
    await expect(fetch(url)).rejects.toThrow();
  });

  test('many issuers run in parallel in one worker, each with its own port, keys and tokens', async () => {
    const issuers = await Promise.all(
      Array.from({ length: 8 }, (_, i) => createTestIssuer({ audience: `https://api-${i}.example.test` })),
    );
    try {
      expect(new Set(issuers.map((issuer) => issuer.url)).size).toBe(8);
      expect(new Set(issuers.map((issuer) => issuer.currentKid)).size).toBe(8);
      const tokens = await Promise.all(issuers.map((issuer) => issuer.sign({ sub: issuer.url })));
      const results = await Promise.all(issuers.map((issuer, i) => verifyAgainstServedJwks(issuer, tokens[i] ?? '')));
      results.forEach(({ payload }, i) => expect(payload.sub).toBe(issuers[i]?.url));
      // A token from one issuer does not verify against a neighbour's keys.
      const [first, second] = issuers;
      await expect(verifyAgainstServedJwks(second!, await first!.sign())).rejects.toMatchObject({ code: 'ERR_JWKS_NO_MATCHING_KEY' });
      issuers.forEach((issuer) => expect(issuer.requests.jwks).toBe(issuer === second ? 2 : 1));
    } finally {
      await Promise.all(issuers.map((issuer) => issuer.close()));
    }
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
