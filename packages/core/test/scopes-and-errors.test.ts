import createHttpError from 'http-errors';
import {
  checkScopes, scopeGuard, scopesFromClaims, errorResponse, InsufficientScopeError, InvalidRequestError,
  InvalidTokenError, KeysUnavailableError, MissingCredentialsError, type AuthContext,
} from '@portcullis/core';
import { bearerChallenge, sanitize } from '../src/challenge.js';

const auth = (scopes: string[]): AuthContext => ({ type: 'jwt', scopes });

function thrown(fn: () => void): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return undefined;
}

describe('scopes', () => {
  it('reads scope strings and scp arrays, never splitting array items', () => {
    expect(scopesFromClaims({ scope: ' a  b ', scp: ['c', 'd e', 5] } as never, ['scope', 'scp'])).toEqual(['a', 'b', 'c']);
    expect(scopesFromClaims({ scp: 'x y' }, ['scp'])).toEqual(['x', 'y']);
    expect(scopesFromClaims({ scope: 'a,b' }, ['scope'])).toEqual(['a,b']);
  });

  it('matches exactly: no substring, prefix or case folding', () => {
    for (const granted of [['read'], ['read:messages:all'], ['Read:Messages'], ['read:messages,write:messages'], ['read:message']]) {
      expect(thrown(() => checkScopes(auth(granted), ['read:messages']))).toBeInstanceOf(InsufficientScopeError);
    }
    expect(thrown(() => checkScopes(auth(['read:messages']), 'read:messages'))).toBeUndefined();
  });

  it('requires all by default and one with mode any', () => {
    expect(thrown(() => checkScopes(auth(['a']), ['a', 'b']))).toBeInstanceOf(InsufficientScopeError);
    expect(thrown(() => checkScopes(auth(['b']), ['a', 'b'], { mode: 'any' }))).toBeUndefined();
    expect(thrown(() => checkScopes(auth([]), ['a', 'b'], { mode: 'any' }))).toBeInstanceOf(InsufficientScopeError);
  });

  it('answers 403 with the required scopes in the challenge', () => {
    const err = thrown(() => checkScopes(auth(['a']), ['a', 'b'])) as InsufficientScopeError;
    expect(err.status).toBe(403);
    expect(err.headers['WWW-Authenticate']).toBe('Bearer error="insufficient_scope", scope="a b"');
  });

  it('answers 401 when the request was never authenticated', () => {
    expect(thrown(() => checkScopes(undefined, ['a']))).toBeInstanceOf(MissingCredentialsError);
  });

  it('refuses bad scope lists at construction', () => {
    expect(() => scopeGuard([])).toThrow(TypeError);
    expect(() => scopeGuard(['a b'])).toThrow(TypeError);
    expect(() => scopeGuard(['a'], { mode: 'some' as never })).toThrow(TypeError);
  });
});

describe('errors', () => {
  it('are http-errors objects carrying status, expose and headers', () => {
    const cases: Array<[Error & { status: number }, number, string]> = [
      [new InvalidRequestError('x'), 400, 'Bearer error="invalid_request"'],
      [new InvalidTokenError('token expired', 'expired'), 401, 'Bearer error="invalid_token", error_description="token expired"'],
      [new MissingCredentialsError('my api'), 401, 'Bearer realm="my api"'],
      [new InsufficientScopeError(['a']), 403, 'Bearer error="insufficient_scope", scope="a"'],
      [new KeysUnavailableError(7.2), 503, 'Bearer realm="api"'],
    ];
    for (const [err, status, challenge] of cases) {
      expect(createHttpError.isHttpError(err)).toBe(true);
      expect(err).toBeInstanceOf(createHttpError.HttpError);
      expect(err.status).toBe(status);
      expect((err as unknown as { statusCode: number }).statusCode).toBe(status);
      expect((err as unknown as { headers: Record<string, string> }).headers['WWW-Authenticate']).toBe(challenge);
    }
    expect(new KeysUnavailableError(7.2).headers['Retry-After']).toBe('8');
  });

  it('keeps quotes, backslashes and control characters out of the header', () => {
    const err = new InvalidTokenError('bad "value"\\\r\nSet-Cookie: x=1\u0000é', 'bad_claim');
    expect(err.headers['WWW-Authenticate']).toBe('Bearer error="invalid_token", error_description="bad valueSet-Cookie: x=1"');
    expect(sanitize('a\u007fb')).toBe('ab');
    expect(bearerChallenge({})).toBe('Bearer');
  });

  it('errorResponse gives a JSON body for auth errors and a bare 500 otherwise', () => {
    expect(errorResponse(new InvalidTokenError('token expired', 'expired'))).toEqual({
      status: 401,
      headers: { 'WWW-Authenticate': 'Bearer error="invalid_token", error_description="token expired"' },
      body: { error: 'invalid_token', error_description: 'token expired' },
    });
    expect(errorResponse(new Error('stack detail'))).toEqual({ status: 500, headers: {}, body: { error: 'server_error' } });
  });
});
