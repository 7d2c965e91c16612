/**
 * What a shared adapter suite needs from a framework package: its portcullis adapter, supertest, and a
 * way to build a small real app on each framework major under test. `M` is the framework's middleware
 * type (Express `RequestHandler`, Koa `Middleware`). Each package's test/harness.ts provides one.
 */
import type { RequestListener } from 'node:http';
import type { AuthenticatorOptions, ScopeCheckOptions } from '@portcullis/core';
import type { SendTo } from './http-client.js';

/** One framework major (Express 4, Koa 3, …) and the apps the suites run on it. */
export interface FrameworkMajor<M> {
  /** `'express 5'`, `'koa 2'`, …: ends with the major it names. */
  label: string;
  /** The installed version of that major, read from its package.json. */
  version: string;
  /** For each `path`, GET `path` runs its chain, then answers `{ auth }` with what the chain left (or null). */
  routes(routes: Record<string, M[]>): RequestListener;
  /** POST /whoami parses an `application/x-www-form-urlencoded` body, runs `chain`, then answers `{ auth }`. */
  formRoute(...chain: M[]): RequestListener;
  /**
   * GET /messages runs `chain`, then answers `{ messages: [] }`; GET /boom throws `Error('database
   * exploded')`. The adapter's `errorHandler()` handles what they fail with; an error it passes on (Express:
   * `next(err)`, Koa: rethrown) is answered 599 `{ passedOn: message }`.
   */
  errorRoutes(...chain: M[]): RequestListener;
}

/**
 * A portcullis adapter and the framework majors it is tested on.
 *
 * @example
 * authenticateSuite({ framework: 'Express', authProperty: 'req.auth', request, authenticate, requireScopes, majors });
 */
export interface AdapterHarness<M> {
  /** `'Express'` or `'Koa'`, for test titles. */
  framework: string;
  /** Where the adapter leaves the proven credential (`'req.auth'`, `'ctx.state.auth'`), for test titles. */
  authProperty: string;
  request: SendTo;
  authenticate(options: AuthenticatorOptions): M;
  requireScopes(scopes: string | readonly string[], options?: ScopeCheckOptions): M;
  majors: Array<FrameworkMajor<M>>;
}

/**
 * The rows for `describe.each`: `[label, major]`, so that `%s` names the major.
 *
 * @example
 * describe.each(eachMajor(harness))('authenticate() on %s', (_label, major) => { … });
 */
export function eachMajor<M>(harness: AdapterHarness<M>): Array<[string, FrameworkMajor<M>]> {
  return harness.majors.map((major) => [major.label, major]);
}
