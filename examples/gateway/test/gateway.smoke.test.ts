/**
 * Smoke test of the gateway's demo mode: starts it as `pnpm start` does (embedded issuer and echo
 * upstream), replays every curl command it prints over real HTTP, and stops it with Ctrl-C (SIGINT).
 * Shared with the other examples: test-support/demo-smoke-suite.ts.
 */
import { fileURLToPath } from 'node:url';
import { runCurl, startExample } from '@portcullis/example-demo-kit/smoke';
import { demoSmokeSuite } from '../../../test-support/demo-smoke-suite.js';

const exampleDir = fileURLToPath(new URL('..', import.meta.url));

demoSmokeSuite({
  start: () => startExample(exampleDir),
  runCurl,
  statuses: [401, 200, 401, 200, 401, 200, 400],
  stopSignal: 'SIGINT',
  checkAnswer(status, body) {
    // What the echo upstream saw: forged identity headers never survive the gateway.
    if (status === 200) expect(JSON.parse(body).identity['x-auth-subject']).not.toBe('admin');
  },
  whileRunning(demo) {
    it('shows the upstream the proven subject even when the client forges one', async () => {
      const forged = demo().scenarios.find((s) => s.curl.includes('x-auth-subject') && s.curl.includes('Authorization'));
      const res = await runCurl(forged!.curl);
      expect(await res.json()).toEqual(expect.objectContaining({ identity: expect.objectContaining({ 'x-auth-subject': 'demo-user' }) }));
    });
  },
});
