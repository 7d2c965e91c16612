/**
 * Builds real Koa apps for the suite, once per Koa major, so every test runs against 2 and 3.
 */
import { createRequire } from 'node:module';
import type { RequestListener } from 'node:http';
import Koa, { type Middleware } from 'koa';
import Koa2 from 'koa2';

export type KoaClass = typeof Koa;

const require = createRequire(import.meta.url);

/** The Koa majors under test: [label, class, installed version]. */
export const koaMajors: Array<[string, KoaClass, string]> = [
  ['koa 3', Koa, (require('koa/package.json') as { version: string }).version],
  ['koa 2', Koa2, (require('koa2/package.json') as { version: string }).version],
];

/**
 * Runs `chain` for requests to `path` only, then continues downstream; other paths skip it. A minimal
 * stand-in for a router.
 */
export function at(path: string, ...chain: Middleware[]): Middleware {
  return async function route(ctx, next) {
    if (ctx.path !== path) return next();
    const run = async (i: number): Promise<unknown> => {
      const middleware = chain[i];
      return middleware ? middleware(ctx, () => run(i + 1)) : next();
    };
    await run(0);
  };
}

/** An app that runs `chain`, then answers with what it left in `ctx.state.auth`. */
export function whoamiApp(App: KoaClass, ...chain: Middleware[]): RequestListener {
  const app = new App();
  app.silent = true; // 5xx answers are expected in some tests; keep Koa's default logger quiet
  for (const middleware of chain) app.use(middleware);
  app.use(function whoami(ctx) {
    ctx.body = { auth: ctx.state.auth ?? null };
  });
  return app.callback();
}

/** Parses an `application/x-www-form-urlencoded` body into `ctx.request.body` (what a body parser does). */
export const formBody: Middleware = async function formBody(ctx, next) {
  if (ctx.is('application/x-www-form-urlencoded')) {
    const chunks: Buffer[] = [];
    for await (const chunk of ctx.req) chunks.push(chunk as Buffer);
    (ctx.request as { body?: unknown }).body = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString()));
  }
  await next();
};
