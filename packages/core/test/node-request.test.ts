import { createServer, type IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createTestIssuer } from '@portcullis/testing';
import { createAuthenticator, fromNodeRequest, CHANNELS, type RequestLike } from '@portcullis/core';
import diagnostics from 'node:diagnostics_channel';
import { bearer, failure } from './helpers.js';

async function capture(rawHeaders: Array<[string, string]>): Promise<RequestLike> {
  let seen: IncomingMessage | undefined;
  const server = createServer((req, res) => {
    seen = req;
    res.end();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  // A raw socket, so the repeated headers reach the server exactly as written.
  const socket = connect(port, '127.0.0.1');
  const lines = rawHeaders.map(([name, value]) => `${name}: ${value}`).join('\r\n');
  socket.end(`GET /p?q=1 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n${lines}\r\n\r\n`);
  socket.resume();
  await once(socket, 'close');
  server.close();
  return fromNodeRequest(seen!);
}

describe('fromNodeRequest', () => {
  it('keeps every Authorization header of a request that sent several', async () => {
    const request = await capture([['Authorization', 'Bearer a'], ['authorization', 'Bearer b']]);
    expect(request.headers.authorization).toEqual(['Bearer a', 'Bearer b']);
    expect(request.url).toBe('/p?q=1');
    expect(request.method).toBe('GET');
  });

  it('keeps a single header as a string', async () => {
    const request = await capture([['Authorization', 'Bearer a'], ['X-Api-Key', 'k']]);
    expect(request.headers.authorization).toBe('Bearer a');
    expect(request.headers['x-api-key']).toBe('k');
  });

  it('exposes repeated API-key headers that Node would have joined', async () => {
    const request = await capture([['X-Api-Key', 'k1'], ['X-Api-Key', 'k2']]);
    expect(request.headers['x-api-key']).toEqual(['k1', 'k2']);
  });
});

describe('diagnostics channels', () => {
  it('publish outcomes with reasons, never the token', async () => {
    const issuer = await createTestIssuer();
    const messages: unknown[] = [];
    const listener = (message: unknown) => messages.push(message);
    diagnostics.subscribe(CHANNELS.auth, listener);
    diagnostics.subscribe(CHANNELS.jwks, listener);
    try {
      const authenticate = createAuthenticator(issuer.options);
      const token = await issuer.sign({ sub: 'carol' });
      await authenticate(bearer(token));
      const expired = await issuer.badTokens.expired();
      await failure(authenticate, bearer(expired));
      expect(messages).toEqual(expect.arrayContaining([
        expect.objectContaining({ outcome: 'fetched', issuer: issuer.url }),
        expect.objectContaining({ outcome: 'success', subject: 'carol', type: 'jwt' }),
        expect.objectContaining({ outcome: 'failure', status: 401, code: 'invalid_token', reason: 'expired' }),
      ]));
      const text = JSON.stringify(messages);
      expect(text).not.toContain(token);
      expect(text).not.toContain(expired.split('.')[2]);
    } finally {
      diagnostics.unsubscribe(CHANNELS.auth, listener);
      diagnostics.unsubscribe(CHANNELS.jwks, listener);
      await issuer.close();
    }
  });
});
