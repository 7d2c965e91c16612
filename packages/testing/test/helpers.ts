import { createLocalJWKSet, jwtVerify, type JSONWebKeySet, type JWTVerifyResult } from 'jose';
import type { TestIssuer } from '../src/index.js';

/** Fetches the JWKS the issuer really serves and verifies `token` against it, as a resource server would. */
export async function verifyAgainstServedJwks(issuer: TestIssuer, token: string, algorithms?: string[]): Promise<JWTVerifyResult> {
  const response = await fetch(issuer.jwksUri);
  if (response.status !== 200) throw new Error(`JWKS answered ${response.status}`);
  const jwks = createLocalJWKSet((await response.json()) as JSONWebKeySet);
  return jwtVerify(token, jwks, { issuer: issuer.url, audience: issuer.options.audience, algorithms });
}

/** Decodes one base64url JSON segment of a compact JWS. */
export function segment(token: string, index: 0 | 1): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[index] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}
