import { createAuthenticator, type Authenticator } from '@portcullis/core';
import { BAD_TOKEN_KINDS, createTestIssuer, type TestIssuer } from '../src/index.js';

const PRESETS = BAD_TOKEN_KINDS;

const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` }, method: 'GET', url: '/' });

/** What `authenticate` settled with: the AuthContext, or the error's answer. */
async function outcome(authenticate: Authenticator, token: string) {
  return authenticate(bearer(token)).then(
    (auth) => ({ status: 200, auth }),
    (error: { status?: number; code?: string; headers?: Record<string, string> }) => ({
      status: error.status,
      code: error.code,
      challenge: error.headers?.['WWW-Authenticate'],
    }),
  );
}

describe.each([
  ['jwksUri given', (issuer: TestIssuer) => createAuthenticator({ ...issuer.options })],
  ['JWKS discovered', (issuer: TestIssuer) => createAuthenticator({ issuer: issuer.url, audience: issuer.options.audience })],
])('@portcullis/core rejects every bad-token preset (%s)', (_, makeAuthenticator) => {
  let issuer: TestIssuer;
  let authenticate: Authenticator;
  beforeAll(async () => {
    issuer = await createTestIssuer();
    authenticate = makeAuthenticator(issuer);
  });
  afterAll(() => issuer.close());

  test('control: a token from sign() is accepted', async () => {
    const result = await outcome(authenticate, await issuer.sign({ scope: ['read', 'write'] }));
    expect(result).toMatchObject({ status: 200, auth: { type: 'jwt', subject: 'test-user', scopes: ['read', 'write'] } });
  });

  test.each(PRESETS)('%s → 401 invalid_token', async (preset) => {
    const token = await issuer.badTokens[preset]({ scope: 'read' });
    const result = await outcome(authenticate, token);
    expect(result).toMatchObject({ status: 401, code: 'invalid_token' });
    expect((result as { challenge?: string }).challenge).toMatch(/^Bearer error="invalid_token"/);
  });
});

describe('@portcullis/core and the fault switches', () => {
  test.each(['down', 'status500', 'html', 'garbage', 'truncated'] as const)(
    'JWKS %s with nothing cached → 503 temporarily_unavailable with Retry-After',
    async (fault) => {
      await using issuer = await createTestIssuer();
      issuer.setFault(fault, { target: 'jwks' });
      const authenticate = createAuthenticator({ ...issuer.options });
      const error = await authenticate(bearer(await issuer.sign())).then(
        () => undefined,
        (err: { status?: number; code?: string; headers?: Record<string, string> }) => err,
      );
      expect(error).toMatchObject({ status: 503, code: 'temporarily_unavailable' });
      expect(error?.headers?.['Retry-After']).toMatch(/^\d+$/);
      expect(issuer.requests.jwks).toBeGreaterThanOrEqual(1);
    },
  );
});
