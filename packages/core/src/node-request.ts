/**
 * Mapping a Node `IncomingMessage` to the core's {@link RequestLike}.
 */
import type { IncomingMessage } from 'node:http';
import type { RequestLike } from './types.js';

function repeatedHeaders(raw: string[]): string[] | undefined {
  let seen: Set<string> | undefined;
  let repeated: string[] | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    seen ??= new Set();
    if (seen.has(name)) (repeated ??= []).push(name);
    else seen.add(name);
  }
  return repeated;
}

/**
 * The request as portcullis reads it. Node keeps only the first of several `Authorization` headers
 * and joins other repeated headers with commas; both would hide a doubled credential, so repeated
 * headers are passed on as arrays (from `headersDistinct`) and answered with 400.
 *
 * @example
 * const auth = await authenticate(fromNodeRequest(req))
 */
export function fromNodeRequest(req: IncomingMessage, body?: unknown): RequestLike {
  // Node folds repeated names into one key, so equal counts mean nothing is repeated: the usual case
  // costs one key count instead of a scan of every raw name.
  const repeated = req.rawHeaders.length / 2 === Object.keys(req.headers).length ? undefined : repeatedHeaders(req.rawHeaders);
  let headers: RequestLike['headers'] = req.headers;
  if (repeated !== undefined) {
    headers = { ...req.headers };
    for (const name of repeated) headers[name] = req.headersDistinct[name];
  }
  return { headers, method: req.method, url: req.url, body };
}
