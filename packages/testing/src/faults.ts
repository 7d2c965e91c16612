import type { ServerResponse } from 'node:http';
import { Readable, pipeline } from 'node:stream';

/**
 * Ways the issuer can misbehave, each reproducing a failure seen from real identity providers:
 * - `down` — the connection is reset without an answer.
 * - `slow` — the correct answer, after `delayMs`.
 * - `status500` — `500 Internal Server Error`.
 * - `html` — `200` with an HTML page (a captive portal or a login page in front of the IdP).
 * - `garbage` — `200 application/json` whose body is not JSON.
 * - `truncated` — a valid document cut in half (with a matching `Content-Length`).
 * - `huge` — a 10 MB JSON body, streamed without `Content-Length`.
 * - `redirect` — `302` to another path on the same server that serves the real document.
 * - `wrongIssuer` — discovery whose `issuer` is not this issuer's URL (discovery only).
 * - `noUsableKeys` — a JWKS holding only keys a verifier must not use (JWKS only).
 *
 * @example
 * issuer.setFault('garbage', { target: 'jwks' });
 */
export type Fault =
  | 'down'
  | 'slow'
  | 'status500'
  | 'html'
  | 'garbage'
  | 'truncated'
  | 'huge'
  | 'redirect'
  | 'wrongIssuer'
  | 'noUsableKeys';

/** Which endpoints a fault affects; `'discovery'` covers both metadata paths. */
export type FaultTarget = 'jwks' | 'discovery' | 'all';

/**
 * Options of `setFault()`.
 *
 * @example
 * issuer.setFault('slow', { target: 'discovery', delayMs: 2000 });
 */
export interface FaultOptions {
  /** Endpoints the fault applies to. Default `'all'`. */
  target?: FaultTarget;
  /** Delay of the `slow` fault, in milliseconds. Default `10_000`. */
  delayMs?: number;
}

/** A validated fault switch. */
export interface FaultSetting {
  fault: Fault;
  target: FaultTarget;
  delayMs: number;
}

const FAULTS: readonly Fault[] = [
  'down', 'slow', 'status500', 'html', 'garbage', 'truncated', 'huge', 'redirect', 'wrongIssuer', 'noUsableKeys',
];
const TARGETS: readonly FaultTarget[] = ['jwks', 'discovery', 'all'];

/**
 * Size of the `huge` body: comfortably above any sane JWKS size limit.
 *
 * @example
 * expect(bytesRead).toBeLessThan(HUGE_BODY_BYTES); // the client stopped reading in time
 */
export const HUGE_BODY_BYTES = 10 * 1024 * 1024;

/**
 * Validates `setFault()` arguments; `null` switches faults off. Throws a `TypeError` naming the bad value.
 *
 * @example
 * toFaultSetting('slow', { delayMs: 200 }); // { fault: 'slow', target: 'all', delayMs: 200 }
 */
export function toFaultSetting(fault: Fault | null, options: FaultOptions = {}): FaultSetting | null {
  if (fault === null) return null;
  if (!FAULTS.includes(fault)) throw new TypeError(`setFault: unknown fault ${JSON.stringify(fault)}`);
  const { target = 'all', delayMs = 10_000 } = options;
  if (!TARGETS.includes(target)) throw new TypeError(`setFault: target must be one of ${TARGETS.join(', ')}`);
  if (typeof delayMs !== 'number' || !Number.isFinite(delayMs) || delayMs < 0) {
    throw new TypeError('setFault: delayMs must be a non-negative number of milliseconds');
  }
  return { fault, target, delayMs };
}

/**
 * Whether `setting` changes what the `kind` endpoint answers.
 *
 * @example
 * faultApplies(toFaultSetting('wrongIssuer'), 'jwks'); // false — it only concerns discovery
 */
export function faultApplies(setting: FaultSetting | null, kind: 'jwks' | 'discovery'): setting is FaultSetting {
  if (setting === null || (setting.target !== 'all' && setting.target !== kind)) return false;
  if (setting.fault === 'wrongIssuer') return kind === 'discovery';
  if (setting.fault === 'noUsableKeys') return kind === 'jwks';
  return true;
}

/**
 * Answers with one of the body-shaped faults (`status500`, `html`, `garbage`, `truncated`, `huge`).
 * `body` is the real JSON document the endpoint would have served.
 *
 * @example
 * sendBrokenBody('truncated', res, JSON.stringify(jwks));
 */
export function sendBrokenBody(fault: Fault, res: ServerResponse, body: string): void {
  switch (fault) {
    case 'status500':
      res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('Internal Server Error');
      return;
    case 'html':
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(HTML_PAGE);
      return;
    case 'garbage':
      // Bytes that no JSON parser accepts, under a JSON content type.
      res.writeHead(200, { 'content-type': 'application/json' }).end(Buffer.from([0xff, 0xfe, 0x7b, 0x22, 0x00, 0x6b]));
      return;
    case 'truncated': {
      const half = Buffer.from(body).subarray(0, Math.floor(Buffer.byteLength(body) / 2));
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': half.length }).end(half);
      return;
    }
    case 'huge':
      streamHuge(res, body);
      return;
    default:
      throw new TypeError(`sendBrokenBody: ${fault} is not a body fault`);
  }
}

const HTML_PAGE =
  '<!doctype html><html><head><title>Sign in</title></head>' +
  '<body><h1>Please sign in to continue</h1><form method="post"><input name="user"></form></body></html>';

/** The real document plus a padding member, for a valid JSON text of exactly {@link HUGE_BODY_BYTES}. */
function streamHuge(res: ServerResponse, body: string): void {
  const head = body.trim() === '{}' ? '{"padding":"' : `${body.trimEnd().slice(0, -1)},"padding":"`;
  const tail = '"}';
  const chunk = Buffer.alloc(64 * 1024, 'a');
  function* pieces(): Generator<Buffer> {
    yield Buffer.from(head);
    let left = HUGE_BODY_BYTES - Buffer.byteLength(head) - tail.length;
    while (left > 0) {
      const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
      left -= piece.length;
      yield piece;
    }
    yield Buffer.from(tail);
  }
  // No Content-Length: chunked encoding, so a client can only protect itself by limiting what it reads.
  res.writeHead(200, { 'content-type': 'application/json' });
  pipeline(Readable.from(pieces(), { objectMode: false }), res, () => undefined);
}
