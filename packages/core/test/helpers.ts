import { AuthError, type Authenticator, type RequestLike } from '@portcullis/core';

/** A request carrying `Authorization: Bearer <token>`. */
export function bearer(token: string, extra: Partial<RequestLike> = {}): RequestLike {
  return { headers: { authorization: `Bearer ${token}` }, method: 'GET', url: '/', ...extra };
}

/** Runs `authenticate` and returns the AuthError it rejected with (fails the test if it resolved). */
export async function failure(authenticate: Authenticator, request: RequestLike): Promise<AuthError> {
  const outcome = await authenticate(request).then(
    (auth) => ({ auth }),
    (error: unknown) => ({ error }),
  );
  if (!('error' in outcome)) throw new Error(`expected a rejection, got ${JSON.stringify(outcome.auth)}`);
  expect(outcome.error).toBeInstanceOf(AuthError);
  return outcome.error as AuthError;
}

/** Replaces the payload of a signed token, keeping header and signature. */
export function withPayload(token: string, payload: unknown): string {
  const [header, , signature] = token.split('.');
  return `${header}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${signature}`;
}

/** Replaces the header of a signed token, keeping payload and signature. */
export function withHeader(token: string, header: unknown): string {
  const [, payload, signature] = token.split('.');
  return `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${payload}.${signature}`;
}

export function decodeHeader(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString('utf8'));
}

export function decodePayload(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8'));
}
