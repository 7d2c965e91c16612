import type { Server } from 'node:http';

/** Which server a child process runs. */
export type ServerKind =
  | 'express-plain'
  | 'express-floor'
  | 'express-portcullis'
  | 'express-portcullis-nocache'
  | 'express-auth0'
  | 'express-jwt'
  | 'koa-plain'
  | 'koa-floor'
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
    case 'express-floor':
    case 'koa-floor':
      return floorMiddleware(config, config.kind === 'koa-floor');
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

/**
 * The HTTP floor: a middleware that does nothing but the signature check — split the bearer token,
 * `crypto.verify` with a key imported at start-up, 401 on failure. No claims, no key lookup, no error
 * challenge: what any verifier must at least spend per request inside a server.
 */
async function floorMiddleware(config: ServerConfig, koa: boolean): Promise<unknown> {
  const { createPublicKey, verify, constants } = await import('node:crypto');
  const jwks = (await (await fetch(config.jwksUri)).json()) as { keys: Array<Record<string, unknown>> };
  const key = createPublicKey({ key: jwks.keys[0] as never, format: 'jwk' });
  const family = config.alg.slice(0, 2);
  const hash = config.alg === 'EdDSA' ? null : `sha${config.alg.slice(2)}`;
  const input = family === 'PS' ? { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }
    : family === 'ES' ? { key, dsaEncoding: 'ieee-p1363' as const } : family === 'RS' ? { key, padding: constants.RSA_PKCS1_PADDING } : { key };
  const valid = (header: string | undefined): boolean => {
    const token = header?.slice(7) ?? '';
    const dot = token.lastIndexOf('.');
    try {
      return dot > 0 && verify(hash, Buffer.from(token.slice(0, dot)), input, Buffer.from(token.slice(dot + 1), 'base64url'));
    } catch {
      return false;
    }
  };
  if (koa) {
    return async (ctx: { headers: Record<string, string | undefined>; status: number }, next: () => Promise<void>) => {
      if (!valid(ctx.headers.authorization)) {
        ctx.status = 401;
        return;
      }
      await next();
    };
  }
  return (req: { headers: Record<string, string | undefined> }, res: { status(code: number): { end(): void } }, next: () => void) => {
    if (valid(req.headers.authorization)) next();
    else res.status(401).end();
  };
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
