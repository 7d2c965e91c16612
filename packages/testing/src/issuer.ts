import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { JWK } from 'jose';
import { createBadTokens, type BadTokens } from './bad-tokens.js';
import { faultApplies, sendBrokenBody, toFaultSetting, type Fault, type FaultOptions, type FaultSetting } from './faults.js';
import { listenLoopback, type LoopbackServer } from './http-server.js';
import { KeyRing, type RotateOptions } from './key-ring.js';
import { createUnusableKeys, type Alg } from './keys.js';
import { signToken, type SignerContext, type SignOptions, type TestClaims } from './tokens.js';

/**
 * Options of {@link createTestIssuer}.
 *
 * @example
 * await createTestIssuer({ audience: 'https://orders.example.test', algorithms: ['ES256', 'RS256'] });
 */
export interface TestIssuerOptions {
  /** `aud` of minted tokens, and the audience in `issuer.options`. Default `'https://api.example.test'`. */
  audience?: string | string[];
  /** One signing key is generated per algorithm; the first signs by default. Default `['RS256']`. */
  algorithms?: Alg[];
  /** Port on 127.0.0.1. Default `0` (a free ephemeral port). */
  port?: number;
  /** Shared secret for `sign(claims, { alg: 'HS256' })`. Default: 32 random bytes. */
  secret?: string | Uint8Array;
}

/**
 * A running issuer. See {@link createTestIssuer}.
 *
 * @example
 * const token = await issuer.sign({ scope: ['read'] }, { expiresIn: '1h' });
 * issuer.setFault('down');
 * expect(issuer.requests.jwks).toBe(1);
 */
export interface TestIssuer {
  /** `http://127.0.0.1:<port>` — also the `iss` of minted tokens. */
  readonly url: string;
  /** `${url}/.well-known/jwks.json` */
  readonly jwksUri: string;
  /** Spread into `authenticate({ ...issuer.options })`. */
  readonly options: { issuer: string; audience: string | string[]; jwksUri: string };
  /** The HMAC secret used for `alg: 'HS256'` tokens (pass it as the verifier's `secret`). */
  readonly secret: Uint8Array;
  /** `kid` of the current default signing key. */
  readonly currentKid: string;
  /** Mints a signed token; see {@link SignOptions} for the defaults. */
  sign(claims?: TestClaims, options?: SignOptions): Promise<string>;
  /** Tokens a verifier must reject; see {@link BadTokens}. */
  readonly badTokens: BadTokens;
  /** Publishes a new key (new `kid`) and makes it the default signing key. `keepOld` defaults to `true`. */
  rotate(options?: RotateOptions): Promise<{ kid: string }>;
  /** Makes the JWKS and/or discovery endpoints misbehave; `null` restores normal service. */
  setFault(fault: Fault | null, options?: FaultOptions): void;
  /** Serves `jwks` verbatim at the JWKS URI; `null` serves the real keys again. */
  setJwks(jwks: { keys: unknown[] } | null): void;
  /** The JWKS of the real published keys (what is served when no fault or custom JWKS is set). */
  jwks(): { keys: JWK[] };
  /** Requests received so far — every one, faulted ones and redirect targets included. A snapshot. */
  readonly requests: { jwks: number; discovery: number };
  /** Sets both request counters back to 0. */
  resetRequests(): void;
  /** Stops the server and ends every open connection. Idempotent. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

interface IssuerState {
  url: string;
  ring: KeyRing;
  server?: LoopbackServer;
  fault: FaultSetting | null;
  custom: string | null;
  requests: { jwks: number; discovery: number };
}

type Endpoint = 'jwks' | 'discovery';

const JWKS_PATH = '/.well-known/jwks.json';
const DISCOVERY_PATHS = ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server'];
/** Redirect targets of the `redirect` fault: they always serve the real document. */
const MOVED_PREFIX = '/moved';

/**
 * Starts a real OAuth 2.0 / OpenID issuer on 127.0.0.1: discovery at `/.well-known/openid-configuration`
 * and `/.well-known/oauth-authorization-server`, keys at `/.well-known/jwks.json`, and fresh signing
 * keys that never leave this process.
 *
 * @example
 * const issuer = await createTestIssuer({ audience: 'https://api.example.test' });
 * const app = express().get('/me', authenticate(issuer.options), (req, res) => res.json(req.auth));
 * await request(app).get('/me').auth(await issuer.sign({ scope: 'read' }), { type: 'bearer' }).expect(200);
 * await issuer.close();
 */
export async function createTestIssuer(options: TestIssuerOptions = {}): Promise<TestIssuer> {
  const { audience, algorithms, port, secret } = readOptions(options);
  const state: IssuerState = {
    url: '',
    ring: await KeyRing.create(algorithms),
    fault: null,
    custom: null,
    requests: { jwks: 0, discovery: 0 },
  };
  const server = await listenLoopback((req, res) => handleRequest(state, req, res), port);
  state.server = server;
  state.url = server.url;
  const jwksUri = `${server.url}${JWKS_PATH}`;
  const ctx: SignerContext = { issuer: server.url, audience, ring: state.ring, secret };

  return {
    url: server.url,
    jwksUri,
    options: { issuer: server.url, audience, jwksUri },
    secret,
    get currentKid() {
      return state.ring.current.kid;
    },
    sign: (claims, signOptions) => signToken(ctx, claims, signOptions),
    badTokens: createBadTokens(ctx),
    rotate: async (rotateOptions) => ({ kid: (await state.ring.rotate(rotateOptions)).kid }),
    setFault: (fault, faultOptions) => {
      state.fault = toFaultSetting(fault, faultOptions);
    },
    setJwks: (jwks) => {
      state.custom = serializeJwks(jwks);
    },
    jwks: () => state.ring.jwks(),
    get requests() {
      return { ...state.requests };
    },
    resetRequests: () => {
      state.requests = { jwks: 0, discovery: 0 };
    },
    close: () => server.close(),
    [Symbol.asyncDispose]: () => server.close(),
  };
}

function readOptions(options: TestIssuerOptions): Required<Omit<TestIssuerOptions, 'secret'>> & { secret: Uint8Array } {
  const { audience = 'https://api.example.test', algorithms = ['RS256'], port = 0, secret } = options;
  const audiences = Array.isArray(audience) ? audience : [audience];
  if (audiences.length === 0 || audiences.some((aud) => typeof aud !== 'string' || aud === '')) {
    throw new TypeError('audience must be a non-empty string or a non-empty array of them');
  }
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new TypeError('port must be an integer between 0 and 65535');
  }
  if (secret !== undefined && typeof secret !== 'string' && !(secret instanceof Uint8Array)) {
    throw new TypeError('secret must be a string or a Uint8Array');
  }
  const key = secret === undefined ? new Uint8Array(randomBytes(32)) : typeof secret === 'string' ? Buffer.from(secret) : secret;
  return { audience: Array.isArray(audience) ? [...audience] : audience, algorithms, port, secret: key };
}

function serializeJwks(jwks: { keys: unknown[] } | null): string | null {
  if (jwks === null) return null;
  if (typeof jwks !== 'object' || !Array.isArray(jwks.keys)) {
    throw new TypeError('setJwks: expected { keys: [...] } or null');
  }
  return JSON.stringify(jwks);
}

function endpointOf(path: string): { endpoint: Endpoint; moved: boolean } | undefined {
  const moved = path.startsWith(`${MOVED_PREFIX}/`);
  const real = moved ? path.slice(MOVED_PREFIX.length) : path;
  if (real === JWKS_PATH) return { endpoint: 'jwks', moved };
  if (DISCOVERY_PATHS.includes(real)) return { endpoint: 'discovery', moved };
  return undefined;
}

async function handleRequest(state: IssuerState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
  const target = endpointOf(path);
  if (target === undefined) {
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not_found"}');
    return;
  }
  state.requests[target.endpoint] += 1;
  const fault = target.moved || !faultApplies(state.fault, target.endpoint) ? null : state.fault;
  if (fault?.fault === 'down') {
    // A TCP reset, as from a crashed or firewalled IdP: no status line, no body.
    req.socket.resetAndDestroy();
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'application/json' }).end('{"error":"method_not_allowed"}');
    return;
  }
  const body = await documentFor(state, target.endpoint, fault);
  if (fault === null || fault.fault === 'wrongIssuer' || fault.fault === 'noUsableKeys') {
    sendDocument(res, target.endpoint, body);
  } else if (fault.fault === 'slow') {
    state.server?.defer(res, fault.delayMs, () => sendDocument(res, target.endpoint, body));
  } else if (fault.fault === 'redirect') {
    res.writeHead(302, { location: `${state.url}${MOVED_PREFIX}${path}`, 'content-length': 0 }).end();
  } else {
    sendBrokenBody(fault.fault, res, body);
  }
}

async function documentFor(state: IssuerState, endpoint: Endpoint, fault: FaultSetting | null): Promise<string> {
  if (endpoint === 'discovery') return JSON.stringify(discoveryDocument(state, fault?.fault === 'wrongIssuer'));
  if (fault?.fault === 'noUsableKeys') return JSON.stringify({ keys: await createUnusableKeys() });
  return state.custom ?? JSON.stringify(state.ring.jwks());
}

/** OpenID Connect Discovery 1.0 §3 / RFC 8414 §2 metadata; the same document serves both paths. */
function discoveryDocument(state: IssuerState, wrongIssuer: boolean): Record<string, unknown> {
  return {
    issuer: wrongIssuer ? 'https://other-issuer.example.test' : state.url,
    jwks_uri: `${state.url}${JWKS_PATH}`,
    authorization_endpoint: `${state.url}/authorize`,
    token_endpoint: `${state.url}/token`,
    response_types_supported: ['code'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: [...new Set(state.ring.keys.map((key) => key.alg))],
  };
}

function sendDocument(res: ServerResponse, endpoint: Endpoint, body: string): void {
  const headers: Record<string, string | number> = {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
  };
  // Keys change rarely; a realistic IdP lets verifiers cache them (tests assert caching against this).
  if (endpoint === 'jwks') headers['cache-control'] = 'max-age=300';
  res.writeHead(200, headers).end(body);
}
