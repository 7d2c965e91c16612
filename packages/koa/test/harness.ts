/**
 * The Koa harness for the shared adapter suites in test-support/: `@portcullis/koa`, supertest, and real
 * Koa apps built once per Koa major, so every test runs against 2 and 3.
 */
import { createRequire } from 'node:module';
import type { RequestListener } from 'node:http';
import Koa, { type Middleware } from 'koa';
import Koa2 from 'koa2';
import request from 'supertest';
import { authenticate, errorHandler, requireScopes } from '@portcullis/koa';
import type { AdapterHarness, FrameworkMajor } from '../../../test-support/adapter-harness.js';

type KoaClass = typeof Koa;

const require = createRequire(import.meta.url);

/**
 * Runs `chain` for requests to `path` only, then continues downstream; other paths skip it. A minimal
 * stand-in for a router.
 */
function at(path: string, ...chain: Middleware[]): Middleware {
  return async function route(ctx, next) {
    if (ctx.path !== path) return next();
    const run = async (i: number): Promise<unknown> => {
      const middleware = chain[i];
      return middleware ? middleware(ctx, () => run(i + 1)) : next();
    };
    await run(0);
  };
}

/** Parses an `application/x-www-form-urlencoded` body into `ctx.request.body` (what a body parser does). */
const formBody: Middleware = async function formBody(ctx, next) {
  if (ctx.is('application/x-www-form-urlencoded')) {
    const chunks: Buffer[] = [];
    for await (const chunk of ctx.req) chunks.push(chunk as Buffer);
    (ctx.request as { body?: unknown }).body = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString()));
  }
  await next();
};

/** An app that runs `middleware` in order, then answers with what it left in `ctx.state.auth`. */
function whoamiApp(App: KoaClass, ...middleware: Middleware[]): RequestListener {
  const app = new App();
  app.silent = true; // 5xx answers are expected in some tests; keep Koa's default logger quiet
  for (const m of middleware) app.use(m);
  app.use(function whoami(ctx) {
    ctx.body = { auth: ctx.state.auth ?? null };
  });
  return app.callback();
}

/** The apps of `FrameworkMajor` (test-support/adapter-harness.ts) on one Koa major. */
function major(label: string, App: KoaClass, pkg: string): FrameworkMajor<Middleware> {
  return {
    label,
    version: (require(`${pkg}/package.json`) as { version: string }).version,
    routes: (routes) => whoamiApp(App, ...Object.entries(routes).map(([path, chain]) => at(path, ...chain))),
    formRoute: (...chain) => whoamiApp(App, at('/whoami', formBody, ...chain)),
    errorRoutes(...chain) {
      const app = new App();
      // What sits before errorHandler() sees only the errors it rethrew.
      app.use(async function outer(ctx, next) {
        try {
          await next();
        } catch (err) {
          ctx.status = 599;
          ctx.body = { passedOn: (err as Error).message };
        }
      });
      app.use(errorHandler());
      app.use(at('/boom', () => {
        throw new Error('database exploded');
      }));
      app.use(at('/messages', ...chain));
      app.use(function answer(ctx) {
        ctx.body = { messages: [] };
      });
      return app.callback();
    },
  };
}

/** `@portcullis/koa` on Koa 3 and Koa 2 (the `koa2` alias). */
export const koaHarness: AdapterHarness<Middleware> = {
  framework: 'Koa',
  authProperty: 'ctx.state.auth',
  request,
  authenticate,
  requireScopes,
  majors: [major('koa 3', Koa, 'koa'), major('koa 2', Koa2, 'koa2')],
};
