/**
 * Type test, compiled by the root `pnpm typecheck` (never run): `ctx.state.auth` is typed by the package's
 * augmentation of Koa's `DefaultState`. If the augmentation breaks, the plain lines fail to compile or the
 * `@ts-expect-error` lines stop erroring (Koa's state is `any` without it), and typecheck fails.
 */
import Koa, { type Middleware } from 'koa';
import type { AuthContext } from '@portcullis/core';
import { authenticate, errorHandler, requireScopes } from '@portcullis/koa';

const app = new Koa();

app.use(authenticate({ issuer: 'https://idp.example.test/', audience: 'api' }));
app.use(requireScopes(['a', 'b'], { mode: 'any' }));
app.use(errorHandler());

export const handler: Middleware = (ctx) => {
  const auth: AuthContext | undefined = ctx.state.auth;
  const kind: 'jwt' | 'api-key' | undefined = ctx.state.auth?.type;

  // @ts-expect-error ctx.state.auth is optional: it is absent until authenticate() proved a credential.
  const required: AuthContext = ctx.state.auth;

  // @ts-expect-error type is a union of string literals, not a number.
  const wrongType: number | undefined = ctx.state.auth?.type;

  // @ts-expect-error auth is an AuthContext, not a string.
  ctx.state.auth = 'user-1';

  ctx.body = { auth, kind, required, wrongType };
};

// @ts-expect-error mode is 'all' | 'any'.
requireScopes('a', { mode: 'some' });
