/**
 * `errorHandler()` against real Koa 2 and 3 apps: JSON bodies with the status and headers of Koa's default
 * answer, and every other error rethrown untouched (the suite is shared with Express: test-support/).
 */
import { errorHandlerSuite } from '../../../test-support/error-handler-suite.js';
import { koaHarness } from './harness.js';

errorHandlerSuite(koaHarness);
