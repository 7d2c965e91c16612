/**
 * `errorHandler()` against real Express 4 and 5 apps: JSON bodies with the default answer's status and
 * headers, and every other error passed on to the next error handler (the suite is shared with Koa:
 * test-support/).
 */
import { errorHandlerSuite } from '../../../test-support/error-handler-suite.js';
import { expressHarness } from './harness.js';

errorHandlerSuite(expressHarness);
