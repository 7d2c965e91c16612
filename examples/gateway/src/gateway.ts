/**
 * An identity-forwarding gateway on plain `node:http` and `@portcullis/core` only: it verifies each
 * caller, then forwards the request to one upstream with the proven identity in headers
 * (`x-auth-subject`, `x-auth-scopes`, `x-auth-type`). The upstream trusts those headers, so the gateway
 * first deletes every client-sent `x-auth-*` header and the credentials themselves.
 */
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type RequestListener, type ServerResponse } from 'node:http';
import { createAuthenticator, errorResponse, fromNodeRequest, type AuthContext, type AuthenticatorOptions } from '@portcullis/core';

/** What the gateway needs. */
export interface GatewayConfig {
  /** Token / API-key verification: any option of core's `createAuthenticator`. */
  auth: AuthenticatorOptions;
  /** Where verified requests go, e.g. `http://127.0.0.1:8080`. Only its origin is used. */
  upstream: string;
}

/** Headers the gateway sets; a client's own copies are always removed first. */
export const IDENTITY_PREFIX = 'x-auth-';

// RFC 9110 §7.6.1: hop-by-hop fields are not forwarded, nor any field the Connection header names.
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade'];

/**
 * Builds the gateway's request handler. The authenticator is created once, here.
 *
 * @example
 * import { createServer } from 'node:http';
 * const gateway = createGateway({ auth: { issuer, audience }, upstream: 'http://127.0.0.1:8080' });
 * createServer(gateway).listen(3000, '127.0.0.1');
 */
export function createGateway(config: GatewayConfig): RequestListener {
  const authenticate = createAuthenticator(config.auth);
  const upstream = new URL(config.upstream);
  const apiKeyHeader = (config.auth.apiKeys?.header ?? 'x-api-key').toLowerCase();

  return function gateway(req, res) {
    // Only origin-form targets (RFC 9112 §3.2.1): an absolute-form or `//host/…` target is refused, so
    // nothing downstream that joins URLs can read it as another host.
    if (!req.url?.startsWith('/') || req.url.startsWith('//')) {
      sendJson(res, 400, {}, { error: 'invalid_request', error_description: 'request target must be a path' });
      return;
    }
    authenticate(fromNodeRequest(req)).then(
      (auth) => forward(req, res, upstream, forwardedHeaders(req.headers, auth, upstream, apiKeyHeader)),
      (err: unknown) => {
        const { status, headers, body } = errorResponse(err);
        sendJson(res, status, headers, body);
      },
    );
  };
}

/**
 * The headers sent upstream: the client's, minus hop-by-hop fields, credentials and any `x-auth-*`,
 * plus the verified identity.
 *
 * @example
 * forwardedHeaders({ 'x-auth-subject': 'admin' }, { type: 'jwt', subject: 'u1', scopes: ['read'] }, new URL('http://127.0.0.1:8080'), 'x-api-key')
 * // { host: '127.0.0.1:8080', 'x-auth-type': 'jwt', 'x-auth-subject': 'u1', 'x-auth-scopes': 'read' }
 */
export function forwardedHeaders(incoming: IncomingHttpHeaders, auth: AuthContext, upstream: URL, apiKeyHeader: string): IncomingHttpHeaders {
  const named = String(incoming.connection ?? '').toLowerCase().split(',').map((name) => name.trim());
  const drop = new Set([...HOP_BY_HOP, ...named, 'authorization', apiKeyHeader, 'host']);
  const headers: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(incoming)) {
    if (!drop.has(name) && !name.startsWith(IDENTITY_PREFIX)) headers[name] = value;
  }
  headers.host = upstream.host;
  headers[`${IDENTITY_PREFIX}type`] = auth.type;
  if (auth.subject !== undefined) headers[`${IDENTITY_PREFIX}subject`] = headerSafe(auth.subject);
  headers[`${IDENTITY_PREFIX}scopes`] = headerSafe(auth.scopes.join(' '));
  return headers;
}

// A verified `sub` is still data from outside: anything but printable ASCII is percent-encoded so it
// can neither break the header nor make Node throw.
function headerSafe(value: string): string {
  return value.replace(/[^\x20-\x7e]/g, (char) => encodeURIComponent(char));
}

function forward(req: IncomingMessage, res: ServerResponse, upstream: URL, headers: IncomingHttpHeaders): void {
  const outgoing = httpRequest(
    { protocol: upstream.protocol, hostname: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  outgoing.on('error', () => {
    if (res.headersSent) res.destroy();
    else sendJson(res, 502, {}, { error: 'bad_gateway' });
  });
  req.pipe(outgoing);
}

function sendJson(res: ServerResponse, status: number, headers: Record<string, string>, body: unknown): void {
  res.writeHead(status, { ...headers, 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
