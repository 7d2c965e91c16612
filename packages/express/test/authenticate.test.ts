/**
 * `authenticate()` against real Express 4 and 5 apps: every row of the contract's status table, the shape
 * of `req.auth`, and optional authentication (the suite is shared with Koa: test-support/).
 */
import { authenticateSuite } from '../../../test-support/authenticate-suite.js';
import { expressHarness } from './harness.js';

authenticateSuite(expressHarness);
