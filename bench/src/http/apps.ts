import type { Server } from 'node:http';

/** Which server a child process runs. */
export type ServerKind =
  | 'express-plain'
  | 'express-portcullis'
  | 'express-portcullis-nocache'
  | 'express-auth0'
  | 'express-jwt'
  | 'koa-plain'
  | 'koa-portcullis'
  | 'koa-portcullis-nocache'
  | 'koa-jwt';

/** Everything a server child needs to accept the fixture's tokens. */
export interface ServerConfig {
  kind: ServerKind;
  issuer: string;
  audience: string;
  jwksUri: string;
  alg: string;
}

/** One JSON body for every server, so only the authentication differs. */
const BODY = { ok: true };

/**
 * Builds the app for `config.kind` and listens on 127.0.0.1 (ephemeral port). Each protected app has
 * exactly one middleware in front of the same handler; errors go to the framework's default handler.
 *
 * @example
 * const server = await startApp({ kind: 'express-plain', issuer, audience, jwksUri, alg: 'RS256' });
 */
export async function startApp(config: ServerConfig): Promise<Server> {
  const isKoa = config.kind.startsWith('koa-');
  const middleware = await authMiddleware(config);
  if (isKoa) {
    const { default: Koa } = await import('koa');
    const app = new Koa();
    if (middleware) app.use(middleware as never);
    app.use((ctx) => {
      ctx.body = BODY;
    });
    return listen(app.callback());
  }
  const { default: express } = await import('express');
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  const handler = (_req: unknown, res: { json(body: unknown): void }): void => res.json(BODY);
  if (middleware) app.get('/api', middleware as never, handler as never);
  else app.get('/api', handler as never);
  return listen(app);
}

async function authMiddleware(config: ServerConfig): Promise<unknown> {
  const options = { issuer: config.issuer, audience: config.audience, jwksUri: config.jwksUri, algorithms: [config.alg] };
  switch (config.kind) {
    case 'express-plain':
    case 'koa-plain':
      return undefined;
    case 'express-portcullis':
    case 'express-portcullis-nocache':
      return (await import('@portcullis/express')).authenticate(withCache(options, config.kind));
    case 'koa-portcullis':
    case 'koa-portcullis-nocache':
      return (await import('@portcullis/koa')).authenticate(withCache(options, config.kind));
    case 'express-auth0': {
      const { auth } = await import('express-oauth2-jwt-bearer');
      return auth({ issuer: config.issuer, audience: config.audience, jwksUri: config.jwksUri, tokenSigningAlg: config.alg });
    }
    case 'express-jwt': {
      const [{ expressjwt }, { default: jwksRsa }] = await Promise.all([import('express-jwt'), import('jwks-rsa')]);
      const secret = jwksRsa.expressJwtSecret({ jwksUri: config.jwksUri, cache: true, rateLimit: false });
      return expressjwt({ secret: secret as never, algorithms: [config.alg as 'RS256'], issuer: config.issuer, audience: config.audience });
    }
    case 'koa-jwt': {
      const [{ default: koaJwt }, { default: jwksRsa }] = await Promise.all([import('koa-jwt'), import('jwks-rsa')]);
      const secret = jwksRsa.koaJwtSecret({ jwksUri: config.jwksUri, cache: true });
      return koaJwt({ secret, algorithms: [config.alg], issuer: config.issuer, audience: config.audience });
    }
  }
}

function withCache<T extends object>(options: T, kind: ServerKind): T & { tokenCache?: false } {
  return kind.endsWith('-nocache') ? { ...options, tokenCache: false } : options;
}

async function listen(handler: import('node:http').RequestListener): Promise<Server> {
  const { createServer } = await import('node:http');
  const server = createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return server;
}
