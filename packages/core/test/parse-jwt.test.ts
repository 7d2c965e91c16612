import { parseJwt } from '../src/parse-jwt.js';
import { algorithmsForJwk } from '../src/algorithms.js';
import { InvalidTokenError } from '../src/errors.js';

const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const header = b64({ alg: 'RS256' });
const payload = b64({ sub: 'x' });
const signature = b64('signature-bytes');

function reason(token: string): string {
  try {
    parseJwt(token);
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidTokenError);
    return `${(err as InvalidTokenError).reason}: ${(err as Error).message}`;
  }
  throw new Error('expected InvalidTokenError');
}

describe('parseJwt', () => {
  it('splits a compact JWS', () => {
    const parsed = parseJwt(`${header}.${payload}.${signature}`);
    expect(parsed.header).toEqual({ alg: 'RS256' });
    expect(parsed.payload).toEqual({ sub: 'x' });
    expect(parsed.signingInput.toString()).toBe(`${header}.${payload}`);
    expect(parsed.signature.toString()).toBe('signature-bytes');
  });

  it.each([
    [`${header}.${payload}`, /malformed_token/],
    [`${header}.${payload}.${signature}.x`, /malformed_token/],
    [`${header}.${payload}.${signature}.x.y`, /unsupported_token_format: encrypted tokens/],
    [`${header}`, /malformed_token/],
    [`${header}=.${payload}.${signature}`, /not base64url/],
    [`${header}.${payload}.${signature.slice(0, -1)}+`, /not base64url/],
    [`${b64('{"alg":"RS256"}').slice(0, -1)}B.${payload}.${signature}`, /not canonical|not UTF-8 JSON/],
    [`${header}.${b64([1, 2])}.${signature}`, /payload is not a JSON object/],
    [`${header}.${b64('null')}.${signature}`, /payload is not a JSON object/],
    [`${header}.${b64('"text"')}.${signature}`, /payload is not a JSON object/],
    [`${header}.${b64('7')}.${signature}`, /payload is not a JSON object/],
    [`${header}.${Buffer.from([0xff, 0xfe, 0x7b, 0x7d]).toString('base64url')}.${signature}`, /not UTF-8 JSON/],
    [`${header}.${Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{}')]).toString('base64url')}.${signature}`, /not UTF-8 JSON/],
    [`${b64('[]')}.${payload}.${signature}`, /header is not a JSON object/],
    [`${header}.${payload}.a`, /not base64url/],
  ])('refuses %s', (token, expected) => {
    expect(reason(token)).toMatch(expected);
  });
});

describe('algorithmsForJwk', () => {
  const all = new Set(['RS256', 'PS256', 'ES256', 'ES384', 'ES512', 'EdDSA']);
  it.each([
    [{ kty: 'RSA' }, ['RS256', 'PS256']],
    [{ kty: 'RSA', alg: 'PS256' }, ['PS256']],
    [{ kty: 'RSA', alg: 'ES256' }, []],
    [{ kty: 'RSA', alg: 'RS512' }, []],
    [{ kty: 'RSA', alg: 7 }, []],
    [{ kty: 'EC', crv: 'P-256' }, ['ES256']],
    [{ kty: 'EC', crv: 'P-384', alg: 'ES256' }, []],
    [{ kty: 'EC', crv: 'P-521', alg: 'ES512' }, ['ES512']],
    [{ kty: 'EC', crv: 'secp256k1' }, []],
    [{ kty: 'OKP', crv: 'Ed25519' }, ['EdDSA']],
    [{ kty: 'OKP', crv: 'X25519' }, []],
    [{ kty: 'OKP', crv: 'X25519', alg: 'EdDSA' }, []],
    [{ kty: 'oct' }, []],
    [{ kty: 'oct', alg: 'HS256' }, []],
  ])('%j → %j', (jwk, expected) => {
    expect(algorithmsForJwk(jwk, all)).toEqual(expected);
  });
});
