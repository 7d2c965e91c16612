/**
 * Smoke test of the Koa example's demo mode: starts it as `pnpm start` does, replays every curl
 * command it prints over real HTTP, and stops it with SIGTERM.
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

it('listens on 127.0.0.1 and prints the promised scenarios in order', () => {
  expect(demo!.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  expect(demo!.scenarios.map((s) => s.status)).toEqual([200, 401, 200, 403, 401, 200, 400]);
});

it('gets, for every printed curl command, the status printed beside it', async () => {
  for (const scenario of demo!.scenarios) {
    const res = await runCurl(scenario.curl);
    await res.arrayBuffer();
    expect({ title: scenario.title, status: res.status }).toEqual({ title: scenario.title, status: scenario.status });
  }
});

it('stops cleanly on SIGTERM', async () => {
  const code = await demo!.stop('SIGTERM');
  expect(code).toBe(0);
  expect(demo!.output()).toContain('Stopped.');
  await expect(fetch(`${demo!.url}/health`)).rejects.toThrow();
});
