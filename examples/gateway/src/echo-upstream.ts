/**
 * The demo's stand-in upstream: answers every request with the method, path and identity headers it
 * received, so you can see what the gateway forwarded.
 */
import type { RequestListener } from 'node:http';

/**
 * A request handler that echoes the request line and `x-auth-*` headers as JSON.
 *
 * @example
 * const upstream = await listen(echoUpstream, 0);
 */
export const echoUpstream: RequestListener = function echoUpstream(req, res) {
  const identity = Object.fromEntries(Object.entries(req.headers).filter(([name]) => name.startsWith('x-auth-')));
  req.resume();
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ upstream: 'echo', method: req.method, path: req.url, identity }));
};
