/**
 * Smoke test of the example configured from the environment, as against a real identity provider:
 * ISSUER, AUDIENCE, JWKS_URI and API_KEYS_FILE point at a local issuer and key file made here.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestIssuer, generateApiKey, type TestIssuer } from '@portcullis/testing';
import { startExample, type RunningExample } from '@portcullis/example-demo-kit/smoke';

const exampleDir = fileURLToPath(new URL('..', import.meta.url));
const key = generateApiKey({ id: 'ci', subject: 'ci-bot', scopes: ['read:reports'] });
let issuer: TestIssuer;
let keysDir: string;
let api: RunningExample | undefined;

beforeAll(async () => {
  issuer = await createTestIssuer({ audience: 'https://messages.example.test' });
  keysDir = await mkdtemp(join(tmpdir(), 'portcullis-example-'));
  const keysFile = join(keysDir, 'keys.json');
  await writeFile(keysFile, JSON.stringify([key.record]));
  api = await startExample(exampleDir, {
    ISSUER: issuer.url,
    AUDIENCE: 'https://messages.example.test',
    JWKS_URI: issuer.jwksUri,
    API_KEYS_FILE: keysFile,
  });
}, 60_000);

afterAll(async () => {
  await api?.stop('SIGKILL');
  await issuer?.close();
  await rm(keysDir, { recursive: true, force: true });
});

it('prints no demo tokens when an identity provider is configured', () => {
  expect(api!.scenarios).toEqual([]);
  expect(api!.output()).toContain(JSON.stringify(issuer.url));
  expect(api!.output()).not.toMatch(/eyJ|pk_test_/);
});

it("accepts the provider's tokens and the file's API key", async () => {
  const token = await issuer.sign({ sub: 'alice', scope: 'read:messages' });
  const messages = await fetch(`${api!.url}/messages`, { headers: { authorization: `Bearer ${token}` } });
  expect(messages.status).toBe(200);
  const reports = await fetch(`${api!.url}/reports`, { headers: { 'x-api-key': key.key } });
  expect(reports.status).toBe(200);
  expect(await reports.json()).toEqual(expect.objectContaining({ requestedBy: { type: 'api-key', subject: 'ci-bot' } }));
});

it('refuses tokens for another audience', async () => {
  const token = await issuer.badTokens.wrongAudience({ scope: 'read:messages' });
  const res = await fetch(`${api!.url}/messages`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(401);
  expect(res.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
});

it('refuses to start with ISSUER but no AUDIENCE', async () => {
  await expect(startExample(exampleDir, { ISSUER: issuer.url }, 20_000)).rejects.toThrow(/AUDIENCE must be set/);
});
