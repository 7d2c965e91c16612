/**
 * `authenticate()` against real Koa 2 and 3 apps: every row of the contract's status table, the shape of
 * `ctx.state.auth`, and optional authentication (the suite is shared with Express: test-support/).
 */
import { authenticateSuite } from '../../../test-support/authenticate-suite.js';
import { koaHarness } from './harness.js';

authenticateSuite(koaHarness);
