import { extractCredential } from '../src/extract.js';
import { resolveOptions } from '../src/options.js';
import { InvalidRequestError } from '../src/errors.js';
import type { RequestLike } from '../src/types.js';

const base = { issuer: 'https://idp.example.com/', audience: 'api' };
const options = resolveOptions({ ...base, apiKeys: { keys: [{ id: 'k', key: 'secret-key-value' }] } });
const extract = (request: RequestLike, opts = options) => extractCredential(request, opts);

function rejects(request: RequestLike, opts = options): InvalidRequestError {
  try {
    extract(request, opts);
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidRequestError);
    return err as InvalidRequestError;
  }
  throw new Error('expected InvalidRequestError');
}

describe('extractCredential', () => {
  it('finds nothing in an empty request, an empty header or another scheme', () => {
    expect(extract({ headers: {} })).toEqual({ kind: 'none' });
    expect(extract({ headers: { authorization: '' } })).toEqual({ kind: 'none' });
    expect(extract({ headers: { authorization: 'Basic dXNlcjpwYXNz' } })).toEqual({ kind: 'none' });
    expect(extract({ headers: { authorization: 'Bearer-ish abc' } })).toEqual({ kind: 'none' });
    expect(extract({ headers: { authorization: 'Bearerabc' } })).toEqual({ kind: 'none' });
  });

  it('accepts the b64token grammar (RFC 6750 §2.1), trailing = included', () => {
    for (const token of ['abc', 'a.b.c', 'A-Z_a~z+0/9', 'abc==', 'x']) {
      expect(extract({ headers: { authorization: `Bearer ${token}` } })).toEqual({ kind: 'bearer', token });
    }
  });

  it.each([
    ['abc,def'], ['a"b'], ['a\\b'], ['=abc'], ['ab=c'], ['tök'], ['a;b'], ['a\u0000b'],
  ])('refuses %j as a malformed token with 400', (token) => {
    expect(rejects({ headers: { authorization: `Bearer ${token}` } }).status).toBe(400);
  });

  it('refuses two tokens, and a tab between them', () => {
    expect(rejects({ headers: { authorization: 'Bearer a b' } }).reason).toBe('multiple_credentials');
    expect(rejects({ headers: { authorization: 'Bearer a\tb' } }).status).toBe(400);
  });

  it('refuses several Authorization headers, but takes a one-element array', () => {
    expect(rejects({ headers: { authorization: ['Bearer a', 'Bearer a'] } }).reason).toBe('multiple_credentials');
    expect(extract({ headers: { authorization: ['Bearer a'] } })).toEqual({ kind: 'bearer', token: 'a' });
  });

  it('finds an API key in its header, and refuses a repeated one', () => {
    expect(extract({ headers: { 'x-api-key': 'k1' } })).toEqual({ kind: 'api-key', key: 'k1' });
    expect(rejects({ headers: { 'x-api-key': ['k1', 'k2'] } }).status).toBe(400);
  });

  it('ignores an API-key header when API keys are not configured', () => {
    expect(extract({ headers: { 'x-api-key': 'k1' } }, resolveOptions(base))).toEqual({ kind: 'none' });
  });

  it('refuses a Bearer token together with an API key', () => {
    expect(rejects({ headers: { authorization: 'Bearer a', 'x-api-key': 'k' } }).reason).toBe('multiple_credentials');
  });

  it('refuses tokens and API keys in the query string by default', () => {
    expect(rejects({ headers: {}, url: '/x?access_token=abc' }).reason).toBe('query_credentials');
    for (const name of ['api_key', 'apikey', 'api-key', 'x-api-key']) {
      expect(rejects({ headers: {}, url: `/x?${name}=abc` }).reason).toBe('query_credentials');
    }
    expect(extract({ headers: {}, url: '/x?page=2#access_token=abc' })).toEqual({ kind: 'none' });
  });

  it('accepts a query token only when enabled, and never together with a header', () => {
    const opts = resolveOptions({ ...base, allowQueryToken: true });
    expect(extract({ headers: {}, url: '/x?access_token=abc' }, opts)).toEqual({ kind: 'bearer', token: 'abc' });
    expect(rejects({ headers: { authorization: 'Bearer abc' }, url: '/x?access_token=abc' }, opts).status).toBe(400);
    expect(rejects({ headers: {}, url: '/x?access_token=a&access_token=b' }, opts).status).toBe(400);
    expect(rejects({ headers: {}, url: '/x?access_token=' }, opts).status).toBe(400);
  });

  it('refuses a form-body token by default and accepts it only when enabled (RFC 6750 §2.2)', () => {
    const form = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };
    const request = { headers: form, method: 'POST', body: { access_token: 'abc' } };
    expect(rejects(request).status).toBe(400);
    const opts = resolveOptions({ ...base, allowBodyToken: true });
    expect(extract(request, opts)).toEqual({ kind: 'bearer', token: 'abc' });
    expect(rejects({ ...request, method: 'GET' }, opts).status).toBe(400);
    // A JSON body that happens to have such a field is not a credential.
    expect(extract({ headers: { 'content-type': 'application/json' }, method: 'POST', body: { access_token: 'x' } })).toEqual({ kind: 'none' });
  });
});
