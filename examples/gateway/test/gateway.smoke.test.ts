/**
 * Smoke test of the gateway's demo mode: starts it as `pnpm start` does (embedded issuer and echo
 * upstream), replays every curl command it prints over real HTTP, and stops it with Ctrl-C (SIGINT).
 */
import { fileURLToPath } from 'node:url';
import { runCurl, startExample, type RunningExample } from '@portcullis/example-demo-kit/smoke';

const exampleDir = fileURLToPath(new URL('..', import.meta.url));
let demo: RunningExample | undefined;

beforeAll(async () => {
  demo = await startExample(exampleDir);
}, 60_000);

afterAll(async () => {
  await demo?.stop('SIGKILL');
});

it('prints its scenarios', () => {
  expect(demo!.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  expect(demo!.scenarios.map((s) => s.status)).toEqual([401, 200, 401, 200, 401, 200, 400]);
});

it('gets, for every printed curl command, the status printed beside it', async () => {
  for (const scenario of demo!.scenarios) {
    const res = await runCurl(scenario.curl);
    const body = await res.text();
    expect({ title: scenario.title, status: res.status }).toEqual({ title: scenario.title, status: scenario.status });
    // What the echo upstream saw: forged identity headers never survive the gateway.
    if (res.status === 200) expect(JSON.parse(body).identity['x-auth-subject']).not.toBe('admin');
  }
});

it('shows the upstream the proven subject even when the client forges one', async () => {
  const forged = demo!.scenarios.find((s) => s.curl.includes('x-auth-subject') && s.curl.includes('Authorization'));
  const res = await runCurl(forged!.curl);
  expect(await res.json()).toEqual(expect.objectContaining({ identity: expect.objectContaining({ 'x-auth-subject': 'demo-user' }) }));
});

it('stops cleanly on Ctrl-C', async () => {
  expect(await demo!.stop('SIGINT')).toBe(0);
  expect(demo!.output()).toContain('Stopped.');
});
