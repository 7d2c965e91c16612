/**
 * The Express harness for the shared adapter suites in test-support/: `@portcullis/express`, supertest,
 * and real Express apps built once per Express major, so every test runs against 4 and 5.
 */
import { createRequire } from 'node:module';
import express from 'express';
import express4 from 'express4';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import request from 'supertest';
import { authenticate, errorHandler, requireScopes } from '@portcullis/express';
import type { AdapterHarness, FrameworkMajor } from '../../../test-support/adapter-harness.js';

type ExpressFactory = typeof express;

const require = createRequire(import.meta.url);

function answerAuth(req: Request, res: Response): void {
  res.json({ auth: req.auth ?? null });
}

/** The apps of `FrameworkMajor` (test-support/adapter-harness.ts) on one Express major. */
function major(label: string, factory: ExpressFactory, pkg: string): FrameworkMajor<RequestHandler> {
  return {
    label,
    version: (require(`${pkg}/package.json`) as { version: string }).version,
    routes(routes) {
      const app = factory();
      for (const [path, chain] of Object.entries(routes)) app.get(path, ...chain, answerAuth);
      return app;
    },
    formRoute(...chain) {
      const app = factory();
      app.post('/whoami', factory.urlencoded({ extended: false }), ...chain, answerAuth);
      return app;
    },
    errorRoutes(...chain) {
      const app = factory();
      app.get('/messages', ...chain, (_req, res) => {
        res.json({ messages: [] });
      });
      app.get('/boom', () => {
        throw new Error('database exploded');
      });
      app.use(errorHandler());
      // What comes after errorHandler() sees only the errors it passed on.
      app.use((err: Error, _req: Request, res: Response, _next: NextFunction) => {
        res.status(599).json({ passedOn: err.message });
      });
      return app;
    },
  };
}

/** `@portcullis/express` on Express 5 and Express 4 (the `express4` alias). */
export const expressHarness: AdapterHarness<RequestHandler> = {
  framework: 'Express',
  authProperty: 'req.auth',
  request,
  authenticate,
  requireScopes,
  majors: [major('express 5', express, 'express'), major('express 4', express4, 'express4')],
};
