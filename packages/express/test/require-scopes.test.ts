/**
 * `requireScopes()` against real Express 4 and 5 apps: `all` and `any` modes, the 403 challenge naming the
 * required scopes, and 401 when nothing authenticated the request (the suite is shared with Koa: test-support/).
 */
import { requireScopesSuite } from '../../../test-support/require-scopes-suite.js';
import { expressHarness } from './harness.js';

requireScopesSuite(expressHarness);
