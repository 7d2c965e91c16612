/**
 * The example API. Everything portcullis-specific is here: which routes need which credential and scope.
 *
 *   GET  /health    open
 *   GET  /messages  bearer token with `read:messages`
 *   POST /messages  bearer token with `write:messages`
 *   GET  /admin     bearer token with `admin` or `support`
 *   GET  /reports   bearer token or API key, with `read:reports`
 */
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { authenticate, errorHandler, requireScopes, type AuthenticatorOptions } from '@portcullis/express';

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

/**
 * Builds the Express app (without listening, so tests can drive it with supertest).
 *
 * @example
 * const app = createApp({ auth: { issuer: 'https://idp.example.com/', audience: 'https://api.example.com' } });
 * app.listen(3000, '127.0.0.1');
 */
export function createApp(config: AppConfig): Express {
  const app = express();
  app.disable('x-powered-by');

  // Built once, here, and shared by the routes. Only /reports accepts API keys: a leaked service key
  // then reaches reports and nothing else.
  const bearer = authenticate(config.auth);
  const bearerOrApiKey = config.apiKeys?.length ? authenticate({ ...config.auth, apiKeys: { keys: config.apiKeys } }) : bearer;
  const messages: Message[] = [];

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.get('/messages', bearer, requireScopes('read:messages'), (_req, res) => {
    res.json({ messages });
  });

  // The body is parsed only after the caller is proven and allowed to write.
  app.post('/messages', bearer, requireScopes('write:messages'), express.json({ limit: '16kb' }), (req, res) => {
    const text: unknown = (req.body as { text?: unknown } | undefined)?.text;
    if (typeof text !== 'string' || text.trim() === '' || text.length > 500) {
      res.status(400).json({ error: 'invalid_message', error_description: 'text must be 1 to 500 characters' });
      return;
    }
    const message: Message = { id: (messages.at(-1)?.id ?? 0) + 1, text, author: req.auth?.subject, createdAt: new Date().toISOString() };
    messages.push(message);
    if (messages.length > MAX_MESSAGES) messages.shift();
    res.status(201).json(message);
  });

  app.get('/admin', bearer, requireScopes(['admin', 'support'], { mode: 'any' }), (req, res) => {
    res.json({ subject: req.auth?.subject, scopes: req.auth?.scopes, messageCount: messages.length });
  });

  app.get('/reports', bearerOrApiKey, requireScopes('read:reports'), (req, res) => {
    res.json({ reports: [{ id: 'daily', messages: messages.length }], requestedBy: { type: req.auth?.type, subject: req.auth?.subject } });
  });

  app.use((_req, res) => {
    res.status(404).json({ error: 'not_found' });
  });
  // portcullis errors as JSON, with their status, WWW-Authenticate and Retry-After; then everything else.
  app.use(errorHandler());
  app.use(otherErrors);
  return app;
}

// Client mistakes such as malformed JSON (http-errors with `expose`) keep their 4xx; anything else is a
// 500 whose details stay in the server log.
function otherErrors(err: unknown, _req: Request, res: Response, next: NextFunction): void {
  if (res.headersSent) {
    next(err);
    return;
  }
  const { status, expose, message } = err as { status?: unknown; expose?: unknown; message?: unknown };
  if (typeof status === 'number' && status >= 400 && status < 500 && expose === true) {
    res.status(status).json({ error: 'bad_request', error_description: String(message) });
    return;
  }
  console.error(err);
  res.status(500).json({ error: 'server_error' });
}
