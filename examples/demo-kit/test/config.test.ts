/**
 * The demo scaffolding's own checks: environment parsing, API-key files, and the curl round trip the smoke
 * tests rely on (what `curl()` prints, `parseScenarios`/`runCurl` read back and send).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { curl, formatScenarios, loadConfig, readApiKeysFile } from '@portcullis/example-demo-kit';
import { parseScenarios, runCurl } from '@portcullis/example-demo-kit/smoke';

describe('loadConfig', () => {
  it('defaults to demo mode on port 3000', () => {
    expect(loadConfig({})).toEqual({ port: 3000 });
  });

  it('reads an identity provider and a key file', () => {
    const env = { PORT: '0', ISSUER: 'https://idp.example/', AUDIENCE: 'api', JWKS_URI: 'https://idp.example/jwks', API_KEYS_FILE: 'k.json' };
    expect(loadConfig(env)).toEqual({
      port: 0,
      idp: { issuer: 'https://idp.example/', audience: 'api', jwksUri: 'https://idp.example/jwks' },
      apiKeysFile: 'k.json',
    });
  });

  it.each<[string, NodeJS.ProcessEnv, RegExp]>([
    ['ISSUER without AUDIENCE', { ISSUER: 'https://idp.example/' }, /AUDIENCE/],
    ['AUDIENCE without ISSUER', { AUDIENCE: 'api' }, /ISSUER/],
    ['a PORT that is not a port', { PORT: '70000' }, /PORT/],
    ['a PORT that is not a number', { PORT: 'http' }, /PORT/],
  ])('refuses %s', (_name, env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });
});

describe('readApiKeysFile', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'portcullis-keys-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function file(content: string): Promise<string> {
    const path = join(dir, `${Math.random().toString(36).slice(2)}.json`);
    await writeFile(path, content);
    return path;
  }

  it('reads hashed key records', async () => {
    const records = [{ id: 'ci', sha256: 'ab'.repeat(32), scopes: ['read:reports'] }];
    expect(await readApiKeysFile(await file(JSON.stringify(records)))).toEqual(records);
  });

  it.each([
    ['not JSON', '{', /JSON/],
    ['not an array', '{"id":"x"}', /array/],
    ['a record without sha256', '[{"id":"x"}]', /record 0/],
    ['a plain key', '[{"id":"x","sha256":"ab","key":"secret"}]', /plain "key"/],
  ])('refuses %s', async (_name, content, message) => {
    await expect(readApiKeysFile(await file(content))).rejects.toThrow(message);
  });
});

describe('curl round trip', () => {
  let server: Server;
  let base: string;
  const seen: Array<{ method?: string; url?: string; headers: Record<string, unknown>; body: string }> = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, headers: req.headers, body });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('sends exactly what the printed command says', async () => {
    const command = curl(`${base}/messages?a=1&b=2`, { method: 'POST', headers: { Authorization: 'Bearer t.o.k' }, json: { text: 'hi there' } });
    expect(command).toBe(
      `curl -i -X POST -H 'Authorization: Bearer t.o.k' -H 'Content-Type: application/json' -d '{"text":"hi there"}' '${base}/messages?a=1&b=2'`,
    );
    const [scenario] = parseScenarios(`noise\n${formatScenarios([{ title: 'Write', status: 204, curl: command }])}\n`);
    expect(scenario).toEqual({ title: 'Write', status: 204, curl: command });
    const res = await runCurl(scenario!.curl);
    expect(res.status).toBe(204);
    expect(seen.at(-1)).toEqual({
      method: 'POST',
      url: '/messages?a=1&b=2',
      headers: expect.objectContaining({ authorization: 'Bearer t.o.k', 'content-type': 'application/json' }),
      body: '{"text":"hi there"}',
    });
  });

  it('refuses values it could not quote safely', () => {
    expect(() => curl(`${base}/x`, { headers: { 'x-note': "it's" } })).toThrow(TypeError);
  });
});
