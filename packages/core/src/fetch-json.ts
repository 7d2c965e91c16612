/**
 * Fetching discovery and JWKS documents defensively: a timeout, a size cap enforced while reading,
 * no redirects, no cookies or credentials, and a JSON object or nothing.
 */

/** Why a fetch produced nothing usable. Never carries response bodies. */
export class FetchFailure extends Error {
  constructor(readonly url: string, readonly detail: string) {
    super(`${detail} (${url})`);
    this.name = 'FetchFailure';
  }
}

/** A fetched JSON object and the `Cache-Control: max-age` it came with, if any (seconds). */
export interface FetchedJson {
  body: Record<string, unknown>;
  maxAge?: number;
}

export interface FetchLimits {
  /** Seconds. */
  timeout: number;
  maxBytes: number;
}

async function readCapped(response: Response, url: string, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length'));
  if (declared > maxBytes) throw new FetchFailure(url, 'response too large');
  const reader = response.body?.getReader();
  if (!reader) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new FetchFailure(url, 'response too large');
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, total);
}

function maxAgeOf(response: Response): number | undefined {
  const header = response.headers.get('cache-control');
  if (!header || /(?:^|,)\s*(?:no-store|no-cache)\b/i.test(header)) return header ? 0 : undefined;
  const match = /(?:^|,)\s*max-age\s*=\s*"?(\d{1,10})"?/i.exec(header);
  return match ? Number(match[1]) : undefined;
}

/**
 * GETs a JSON object. Throws {@link FetchFailure} on a network error, timeout, redirect,
 * non-2xx status, oversized body, or anything that is not a JSON object.
 *
 * @example
 * const { body, maxAge } = await fetchJson('https://idp.example.com/jwks', { timeout: 5, maxBytes: 1 << 20 })
 */
export async function fetchJson(url: string, limits: FetchLimits): Promise<FetchedJson> {
  let response: Response;
  const signal = AbortSignal.timeout(limits.timeout * 1000);
  try {
    // redirect: 'error' — a redirect is not followed: it could lead anywhere, and the IdP's
    // published URLs are expected to be final.
    response = await fetch(url, { signal, redirect: 'error', credentials: 'omit', headers: { accept: 'application/json' } });
  } catch (err) {
    throw new FetchFailure(url, signal.aborted ? 'timed out' : 'unreachable');
  }
  if (response.status < 200 || response.status >= 300) {
    await response.body?.cancel().catch(() => undefined);
    throw new FetchFailure(url, `HTTP ${response.status}`);
  }
  let bytes: Uint8Array;
  try {
    bytes = await readCapped(response, url, limits.maxBytes);
  } catch (err) {
    throw err instanceof FetchFailure ? err : new FetchFailure(url, signal.aborted ? 'timed out' : 'read failed');
  }
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new FetchFailure(url, 'not JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new FetchFailure(url, 'not a JSON object');
  return { body: body as Record<string, unknown>, maxAge: maxAgeOf(response) };
}
