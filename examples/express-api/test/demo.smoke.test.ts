/**
 * Smoke test of the demo (`pnpm demo`): starts this example as `pnpm start` does, replays every curl
 * command it prints over real HTTP, and stops it with Ctrl-C (SIGINT). Shared with the other examples:
 * test-support/demo-smoke-suite.ts.
 */
import { fileURLToPath } from 'node:url';
import { runCurl, startExample } from '@portcullis/example-demo-kit/smoke';
import { demoSmokeSuite } from '../../../test-support/demo-smoke-suite.js';

const exampleDir = fileURLToPath(new URL('..', import.meta.url));
const statuses = [200, 401, 200, 403, 401, 200, 400];

demoSmokeSuite({ start: () => startExample(exampleDir), runCurl, statuses, stopSignal: 'SIGINT' });
