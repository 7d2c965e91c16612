/**
 * `requireScopes()` against real Koa 2 and 3 apps: `all` and `any` modes, the 403 challenge naming the
 * required scopes, and 401 when nothing authenticated the request (the suite is shared with Express:
 * test-support/).
 */
import { requireScopesSuite } from '../../../test-support/require-scopes-suite.js';
import { koaHarness } from './harness.js';

requireScopesSuite(koaHarness);
