/**
 * The example API. Everything portcullis-specific is here: which routes need which credential and scope.
 *
 *   GET  /health    open
 *   GET  /messages  bearer token with `read:messages`
 *   POST /messages  bearer token with `write:messages`
 *   GET  /admin     bearer token with `admin` or `support`
 *   GET  /reports   bearer token or API key, with `read:reports`
 */
import Koa, { type Middleware } from 'koa';
import Router from '@koa/router';
import { bodyParser } from '@koa/bodyparser';
import { authenticate, errorHandler, requireScopes, type AuthenticatorOptions } from '@portcullis/koa';

/** How the app verifies callers. */
export interface AppConfig {
  /** Token verification, e.g. `{ issuer, audience, jwksUri }` — any option of `authenticate()`. */
  auth: AuthenticatorOptions;
  /** API keys accepted on `GET /reports`, stored as SHA-256 records. Default: none. */
  apiKeys?: NonNullable<AuthenticatorOptions['apiKeys']>['keys'];
}

interface Message {
  id: number;
  text: string;
  author?: string;
  createdAt: string;
}

const MAX_MESSAGES = 100;

// A malformed or oversized body is the client's mistake: answer 4xx (the parser's own errors may lack a status).
const jsonBody = bodyParser({
  enableTypes: ['json'],
  jsonLimit: '16kb',
  onError(err, ctx) {
    const status = (err as { status?: unknown }).status;
    ctx.throw(typeof status === 'number' && status >= 400 && status < 500 ? status : 400, 'request body is not valid JSON');
  },
});

/**
 * Builds the Koa app (without listening, so tests can drive `app.callback()` with supertest).
 *
 * @example
 * const app = createApp({ auth: { issuer: 'https://idp.example.com/', audience: 'https://api.example.com' } });
 * app.listen(3000, '127.0.0.1');
 */
export function createApp(config: AppConfig): Koa {
  const app = new Koa();
  const router = new Router();

  // Built once, here, and shared by the routes. Only /reports accepts API keys: a leaked service key
  // then reaches reports and nothing else.
  const bearer = authenticate(config.auth);
  const bearerOrApiKey = config.apiKeys?.length ? authenticate({ ...config.auth, apiKeys: { keys: config.apiKeys } }) : bearer;
  const messages: Message[] = [];

  router.get('/health', (ctx) => {
    ctx.body = { status: 'ok' };
  });

  router.get('/messages', bearer, requireScopes('read:messages'), (ctx) => {
    ctx.body = { messages };
  });

  // The body is parsed only after the caller is proven and allowed to write.
  router.post('/messages', bearer, requireScopes('write:messages'), jsonBody, (ctx) => {
    const text: unknown = (ctx.request.body as { text?: unknown } | undefined)?.text;
    if (typeof text !== 'string' || text.trim() === '' || text.length > 500) {
      ctx.status = 400;
      ctx.body = { error: 'invalid_message', error_description: 'text must be 1 to 500 characters' };
      return;
    }
    const message: Message = { id: (messages.at(-1)?.id ?? 0) + 1, text, author: ctx.state.auth?.subject, createdAt: new Date().toISOString() };
    messages.push(message);
    if (messages.length > MAX_MESSAGES) messages.shift();
    ctx.status = 201;
    ctx.body = message;
  });

  router.get('/admin', bearer, requireScopes(['admin', 'support'], { mode: 'any' }), (ctx) => {
    ctx.body = { subject: ctx.state.auth?.subject, scopes: ctx.state.auth?.scopes, messageCount: messages.length };
  });

  router.get('/reports', bearerOrApiKey, requireScopes('read:reports'), (ctx) => {
    const auth = ctx.state.auth;
    ctx.body = { reports: [{ id: 'daily', messages: messages.length }], requestedBy: { type: auth?.type, subject: auth?.subject } };
  });

  app.use(otherErrors);
  // portcullis errors as JSON, with their status, WWW-Authenticate and Retry-After.
  app.use(errorHandler());
  app.use(router.routes());
  app.use(router.allowedMethods());
  app.use((ctx) => {
    ctx.status = 404;
    ctx.body = { error: 'not_found' };
  });
  return app;
}

// Client mistakes such as malformed JSON (http-errors with `expose`) keep their 4xx; anything else is a
// 500 whose details go to Koa's error log, not to the client.
const otherErrors: Middleware = async function otherErrors(ctx, next) {
  try {
    await next();
  } catch (err) {
    const { status, expose, message } = err as { status?: unknown; expose?: unknown; message?: unknown };
    if (typeof status === 'number' && status >= 400 && status < 500 && expose === true) {
      ctx.status = status;
      ctx.body = { error: 'bad_request', error_description: String(message) };
      return;
    }
    ctx.app.emit('error', err, ctx);
    ctx.status = 500;
    ctx.body = { error: 'server_error' };
  }
};
