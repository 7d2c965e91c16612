/**
 * Testing an Express API protected by portcullis. The tests themselves (shared with examples/koa-api,
 * which serves the same routes) are in test-support/example-app-suite.ts — the pattern to copy: a real
 * local issuer from @portcullis/testing mints the tokens, supertest drives the real app, and each test
 * asserts the status a real client would get.
 */
import request from 'supertest';
import { exampleAppSuite } from '../../../test-support/example-app-suite.js';
import { createApp } from '../src/app.js';

exampleAppSuite({ createApp, request });
