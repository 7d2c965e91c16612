/**
 * Builds real Express apps for the suite, once per Express major, so every test runs against 4 and 5.
 */
import { createRequire } from 'node:module';
import express from 'express';
import express4 from 'express4';
import type { Express, RequestHandler } from 'express';

export type ExpressFactory = typeof express;

const require = createRequire(import.meta.url);

/** The Express majors under test: [label, factory, installed version]. */
export const expressMajors: Array<[string, ExpressFactory, string]> = [
  ['express 5', express, (require('express/package.json') as { version: string }).version],
  ['express 4', express4, (require('express4/package.json') as { version: string }).version],
];

/** An app whose GET /whoami answers with what the middleware chain left in `req.auth`. */
export function whoamiApp(factory: ExpressFactory, ...chain: RequestHandler[]): Express {
  const app = factory();
  app.get('/whoami', ...chain, (req, res) => {
    res.json({ auth: req.auth ?? null });
  });
  return app;
}
