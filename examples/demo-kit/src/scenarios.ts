/**
 * The demo's ready-to-paste `curl` commands, each with the status it should get. The smoke tests parse
 * exactly this output and replay it, so what a new user is told to expect is what CI checks.
 */
import type { Demo } from './embedded-issuer.js';

/** One printed command and the status it should get. */
export interface Scenario {
  title: string;
  status: number;
  curl: string;
}

/** A request to render as a curl command. */
export interface CurlRequest {
  method?: string;
  headers?: Record<string, string>;
  /** Sent as a JSON body (`Content-Type: application/json`). */
  json?: unknown;
}

/** Lifetime of the printed demo tokens. */
export const DEMO_TOKEN_LIFETIME = '1h';

// Everything is wrapped in single quotes: tokens, keys and URLs never contain one, and the shell then
// neither expands `?` and `&` in URLs nor splits header values.
function quote(value: string): string {
  if (value.includes("'")) throw new TypeError('curl: single quotes are not supported in demo values');
  return `'${value}'`;
}

/**
 * Renders a request as a shell-ready `curl -i` command.
 *
 * @example
 * curl('http://127.0.0.1:3000/messages', { headers: { Authorization: 'Bearer eyJ…' } })
 * // "curl -i -H 'Authorization: Bearer eyJ…' 'http://127.0.0.1:3000/messages'"
 */
export function curl(url: string, request: CurlRequest = {}): string {
  const parts = ['curl -i'];
  if (request.method && request.method !== 'GET') parts.push(`-X ${request.method}`);
  const headers = { ...request.headers, ...(request.json === undefined ? {} : { 'Content-Type': 'application/json' }) };
  for (const [name, value] of Object.entries(headers)) parts.push(`-H ${quote(`${name}: ${value}`)}`);
  if (request.json !== undefined) parts.push(`-d ${quote(JSON.stringify(request.json))}`);
  parts.push(quote(url));
  return parts.join(' ');
}

/**
 * The scenarios of the example APIs (Express and Koa serve the same routes): open route, no token,
 * read token, read token on the write route, expired token, API key, token in the query string.
 *
 * @example
 * const scenarios = await apiScenarios('http://127.0.0.1:3000', setup.demo);
 */
export async function apiScenarios(baseUrl: string, demo: Demo): Promise<Scenario[]> {
  const { issuer, apiKey } = demo;
  const claims = { sub: 'demo-user', scope: 'read:messages' };
  const readToken = await issuer.sign(claims, { expiresIn: DEMO_TOKEN_LIFETIME });
  const expiredToken = await issuer.badTokens.expired(claims);
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
  const messages = `${baseUrl}/messages`;
  return [
    { title: 'Open route, no token', status: 200, curl: curl(`${baseUrl}/health`) },
    { title: 'No token', status: 401, curl: curl(messages) },
    { title: 'Token with read:messages', status: 200, curl: curl(messages, { headers: bearer(readToken) }) },
    {
      title: 'Same token on POST /messages, which needs write:messages',
      status: 403,
      curl: curl(messages, { method: 'POST', headers: bearer(readToken), json: { text: 'hello' } }),
    },
    { title: 'Expired token', status: 401, curl: curl(messages, { headers: bearer(expiredToken) }) },
    { title: 'API key on GET /reports', status: 200, curl: curl(`${baseUrl}/reports`, { headers: { 'x-api-key': apiKey } }) },
    {
      title: 'Token in the query string (leaks into logs; refused)',
      status: 400,
      curl: curl(`${messages}?access_token=${readToken}`),
    },
  ];
}

/**
 * Formats scenarios as comment + command pairs: `# <title> → <status>` then the command.
 *
 * @example
 * console.log(formatScenarios(scenarios));
 */
export function formatScenarios(scenarios: Scenario[]): string {
  return scenarios.map((s) => `# ${s.title} → ${s.status}\n${s.curl}`).join('\n\n');
}
